//! `assist`: the one binary. `assist serve` runs the server; `assist agent ...` the native sharer
//! app; `assist admin ...` recovery commands against the server's database. Configuration: a
//! TOML file, then `ASSIST_*` environment variables, then flags.

mod admin;
mod agent;
mod logging;
mod serve;

use clap::{Parser, Subcommand};

/// Self-hosted remote help for IT support teams.
#[derive(Parser, Debug)]
#[command(name = "assist", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server.
    Serve(Box<serve::ServeArgs>),
    /// The device agent: enroll, check in.
    Agent(agent::AgentArgs),
    /// Recovery on the server's machine: reset-password, grant-admin, verify-audit.
    Admin(admin::AdminArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            logging::init(&logging::Sink::Stderr);
            serve::run(*args)
        }
        // The agent picks its own log (a file while it talks to a person).
        Command::Agent(args) => agent::run(args),
        Command::Admin(args) => {
            logging::init(&logging::Sink::Stderr);
            admin::run(args)
        }
    }
}
