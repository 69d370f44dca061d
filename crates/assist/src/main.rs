//! `assist`: the one binary. `assist serve` runs the server; `assist agent ...` the native sharer
//! app; `assist admin ...` recovery commands against the server's database. Configuration: a
//! TOML file, then `ASSIST_*` environment variables, then flags.

mod admin;
mod agent;
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ASSIST_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(args) => serve::run(*args),
        Command::Agent(args) => agent::run(args),
        Command::Admin(args) => admin::run(args),
    }
}
