//! `assist agent enroll | run`: the device side (see `docs/devices.md`).

use anyhow::Context;
use assist_agent::checkin::CheckIn;
use assist_agent::enroll::{self, EnrollOptions};
use assist_agent::facts::System;
use assist_agent::identity::{self, Identity, TlsTrust};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// The native agent of an enrolled device.
#[derive(Args, Debug)]
pub struct AgentArgs {
    /// Where the device's identity is kept [default: /etc/assist-agent as root,
    /// otherwise $XDG_CONFIG_HOME/assist-agent].
    #[arg(long, global = true, env = "ASSIST_AGENT_CONFIG_DIR")]
    config_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: AgentCommand,
}

#[derive(Subcommand, Debug)]
enum AgentCommand {
    /// Enroll this device with an enrollment token.
    Enroll(EnrollArgs),
    /// Check in periodically (inventory and compliance facts).
    Run(RunArgs),
}

#[derive(Args, Debug)]
struct EnrollArgs {
    /// The server, e.g. https://help.example.com:8443
    #[arg(long, env = "ASSIST_SERVER")]
    server: String,
    /// The enrollment token from the administrator.
    #[arg(long, env = "ASSIST_ENROLLMENT_TOKEN")]
    token: String,
    /// The device's name [default: its host name].
    #[arg(long)]
    name: Option<String>,
    /// Trust only this CA (or the server's self-signed) certificate, PEM; it is kept with the
    /// identity for later check-ins.
    #[arg(long, conflicts_with = "insecure_tls")]
    ca_cert: Option<PathBuf>,
    /// Accept any server certificate. For tests only.
    #[arg(long)]
    insecure_tls: bool,
    /// Replace an existing identity (the old device stays enrolled until retired).
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Check in once and exit (non-zero on failure).
    #[arg(long)]
    once: bool,
}

/// Runs an agent subcommand.
pub fn run(args: AgentArgs) -> anyhow::Result<()> {
    let dir = match args.config_dir {
        Some(d) => d,
        None => identity::default_config_dir()?,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match args.command {
        AgentCommand::Enroll(a) => rt.block_on(enroll_cmd(a, dir)),
        AgentCommand::Run(a) => rt.block_on(run_cmd(a, dir)),
    }
}

async fn enroll_cmd(a: EnrollArgs, dir: PathBuf) -> anyhow::Result<()> {
    let ca_pem = match &a.ca_cert {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("reading the CA certificate {}", p.display()))?,
        ),
        None => None,
    };
    let opts = EnrollOptions {
        server: a.server,
        token: a.token,
        name: a.name,
        tls: TlsTrust {
            insecure: a.insecure_tls,
            ca_pem,
        },
        force: a.force,
    };
    let (id, answer) = enroll::enroll(&opts, &System::host(), &dir)
        .await
        .context("enrollment failed")?;
    println!(
        "Enrolled as device {} ({}); identity kept in {}",
        id.device_id,
        answer.name,
        dir.display()
    );
    print_compliance(&answer.compliance, &answer.reasons);
    Ok(())
}

async fn run_cmd(a: RunArgs, dir: PathBuf) -> anyhow::Result<()> {
    let id = Identity::load(&dir)?;
    let client = CheckIn::new(&id)?;
    let system = System::host();
    if a.once {
        let answer = client.once(&system).await.context("check-in failed")?;
        println!("Checked in as device {}", answer.device_id);
        print_compliance(&answer.compliance, &answer.reasons);
        return Ok(());
    }
    tracing::info!(device = %id.device_id, server = %id.server, "checking in");
    let fatal = client
        .run(&system, |r| match r {
            Ok(a) => tracing::info!(compliance = %a.compliance, reasons = ?a.reasons, "checked in"),
            Err(e) => tracing::warn!(error = %e, "check-in failed; retrying with backoff"),
        })
        .await;
    Err(anyhow::Error::new(fatal).context("the agent stops"))
}

fn print_compliance(state: &str, reasons: &[String]) {
    println!("Compliance: {state}");
    for r in reasons {
        println!("  - {r}");
    }
}
