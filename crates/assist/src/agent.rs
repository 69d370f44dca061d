//! `assist agent enroll | run`: the device side (see `docs/devices.md`).

use anyhow::Context;
use assist_agent::backend::BackendKind;
use assist_agent::channel::Note;
use assist_agent::checkin::CheckIn;
use assist_agent::enroll::{self, EnrollOptions};
use assist_agent::facts::System;
use assist_agent::identity::{self, Identity, TlsTrust};
use assist_agent::login::{self, UserToken};
use assist_agent::share::{self, Finish, JoinOptions};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

/// The native agent of an enrolled device.
#[derive(Args, Debug)]
pub struct AgentArgs {
    /// Where the device's identity is kept [default: /etc/assist-agent as root,
    /// otherwise $XDG_CONFIG_HOME/assist-agent].
    #[arg(long, global = true, env = "ASSIST_AGENT_CONFIG_DIR")]
    config_dir: Option<PathBuf>,
    /// Where `run` and `join` write their log [default: agent.log in the config directory; the
    /// journal (standard error) when systemd runs the agent]. Other commands log to standard
    /// error.
    #[arg(long, global = true, value_enum, env = "ASSIST_AGENT_LOG_TO")]
    log_to: Option<crate::logging::LogTo>,
    #[command(subcommand)]
    command: AgentCommand,
}

#[derive(Subcommand, Debug)]
enum AgentCommand {
    /// Enroll this device with an enrollment token.
    Enroll(EnrollArgs),
    /// Check in periodically (inventory and compliance facts).
    Run(RunArgs),
    /// Sign the device's user in and keep an API token for joining sessions.
    Login(LoginArgs),
    /// Join a help session with the code the helper gives, and share this screen.
    Join(JoinArgs),
    /// Check what this agent can share: session type, backend, what is granted, monitors; with
    /// --screenshot one captured frame as a PNG. Exits non-zero with the reason when capture is
    /// impossible.
    Doctor(DoctorArgs),
}

#[derive(Args, Debug)]
struct DoctorArgs {
    /// Write one captured frame to this PNG file.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// The backend to check (x11, portal, mutter) [default: as a session would choose].
    #[arg(long, env = "ASSIST_AGENT_BACKEND")]
    backend: Option<BackendKind>,
    /// The X display [default: $DISPLAY].
    #[arg(long)]
    display: Option<String>,
    /// The monitor index.
    #[arg(long)]
    monitor: Option<usize>,
}

#[derive(Args, Debug)]
struct LoginArgs {
    /// The server [default: the enrolled device's server].
    #[arg(long, env = "ASSIST_SERVER")]
    server: Option<String>,
    /// Sign in with this account's email and password.
    #[arg(long, conflicts_with = "sso")]
    email: Option<String>,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long, requires = "email")]
    password_stdin: bool,
    /// The authenticator app's current code, for accounts with a second factor.
    #[arg(long, requires = "email")]
    totp: Option<String>,
    /// Single sign-on through the system browser ($BROWSER, else xdg-open): the browser comes
    /// back to this program on a loopback address, which then receives the API token.
    #[arg(long)]
    sso: bool,
    /// With --sso: only print the address to open, do not start a browser (e.g. on another
    /// screen of this machine, or in a test).
    #[arg(long, requires = "sso")]
    no_browser: bool,
}

/// Shows the single sign-on address and opens the browser unless told not to.
struct Terminal {
    open_browser: bool,
}

impl login::SsoPrompt for Terminal {
    fn open(&self, url: &str) {
        println!("Sign in with single sign-on in your browser:");
        println!("  {url}");
        if self.open_browser && !assist_agent::sso::open_browser(url) {
            println!("(No browser could be started: open the address above yourself.)");
        }
        println!(
            "Waiting for the browser (at most {} minutes)...",
            assist_agent::sso::SSO_WAIT_SECS / 60
        );
    }
}

#[derive(Args, Debug)]
struct JoinArgs {
    /// The security code the helper gives you (any case, spaces or dashes).
    code: String,
    #[command(flatten)]
    share: ShareArgs,
}

/// How this device shares its screen in a session (`join`, and codes entered into `run`).
#[derive(Args, Debug, Clone)]
struct ShareArgs {
    /// Unattended: allow the helper's requests without asking, when the server says your
    /// organisation allows it for this helper and session (role with remote_help.unattended,
    /// this enrolled device, conditional access). Otherwise you are asked; with nobody to ask
    /// (standard input closed) the request is denied.
    #[arg(long)]
    yes: bool,
    /// The terminal mode, without windows: the only mode of this command, accepted so that
    /// scripts and service units can say so.
    #[arg(long)]
    no_gui: bool,
    /// The X display to share [default: $DISPLAY].
    #[arg(long)]
    display: Option<String>,
    /// How to reach the screen: x11, portal (Wayland, the sharer approves a dialog) or mutter
    /// (GNOME on Wayland, no dialog: an administrator's choice) [default: from the session,
    /// Wayland → portal, X11 → x11].
    #[arg(long, env = "ASSIST_AGENT_BACKEND")]
    backend: Option<BackendKind>,
    /// Share only this monitor (index, as RandR or GNOME list them) [default: X11 the whole
    /// screen, Wayland the primary monitor].
    #[arg(long)]
    monitor: Option<usize>,
    /// The most frames per second to send (a frame goes out as soon as the screen changes).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=60))]
    fps: u32,
    /// The local address for the video connection [default: the one this machine uses to reach
    /// the server].
    #[arg(long)]
    webrtc_ip: Option<std::net::IpAddr>,
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
    /// Do not read security codes from standard input (check in only).
    #[arg(long, conflicts_with = "once")]
    no_join: bool,
    #[command(flatten)]
    share: ShareArgs,
}

impl ShareArgs {
    fn options(&self, code: String) -> JoinOptions {
        JoinOptions {
            code,
            display: self.display.clone(),
            backend: self.backend,
            monitor: self.monitor,
            fps: self.fps,
            webrtc_ip: self.webrtc_ip,
            assume_yes: self.yes,
        }
    }
}

/// Runs an agent subcommand.
pub fn run(args: AgentArgs) -> anyhow::Result<()> {
    let dir = match args.config_dir {
        Some(d) => d,
        None => identity::default_config_dir()?,
    };
    // The portal backend keeps its restore token there.
    assist_agent::backend::set_config_dir(&dir);
    let share = match &args.command {
        AgentCommand::Run(a) => Some(&a.share),
        AgentCommand::Join(a) => Some(&a.share),
        _ => None,
    };
    let sharing = share.is_some();
    if sharing {
        let journal = std::env::var_os("JOURNAL_STREAM").is_some();
        let sink = crate::logging::agent_sink(args.log_to, journal, &dir);
        if let crate::logging::Sink::File(path) = &sink {
            println!("Log: {}", path.display());
        }
        crate::logging::init(&sink);
        if share.is_some_and(|s| s.no_gui) {
            tracing::debug!("terminal mode (--no-gui)");
        }
    } else {
        crate::logging::init(&crate::logging::Sink::Stderr);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match args.command {
        AgentCommand::Enroll(a) => rt.block_on(enroll_cmd(a, dir)),
        AgentCommand::Run(a) => rt.block_on(run_cmd(a, dir)),
        AgentCommand::Login(a) => rt.block_on(login_cmd(a, dir)),
        AgentCommand::Join(a) => rt.block_on(join_cmd(a, dir)),
        AgentCommand::Doctor(a) => doctor_cmd(a),
    }
}

fn doctor_cmd(a: DoctorArgs) -> anyhow::Result<()> {
    let opts = assist_agent::doctor::DoctorOptions {
        display: a.display,
        backend: a.backend,
        monitor: a.monitor,
        screenshot: a.screenshot,
    };
    assist_agent::doctor::run(&opts, &mut |line| println!("{line}"))?;
    Ok(())
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
    tracing::info!(device = %id.device_id, server = %id.server, "opening the device channel");
    // The device channel carries check-ins while it is up (REST while it is down); they go on
    // while a session runs: they are small, rare, and keep the device's compliance current for
    // the helper.
    // Offers of helpers, from the channel to the loop that reads the terminal.
    let (offers_tx, mut offers) = tokio::sync::mpsc::channel::<Offer>(OFFERS_QUEUE);
    let no_join = a.no_join;
    let (declines, mut outbox) = tokio::sync::mpsc::channel(OFFERS_QUEUE);
    let checkins = assist_agent::channel::run_with(&id, &system, &mut outbox, |note| match note {
        Note::Up => tracing::info!("device channel open"),
        Note::Down { why, retry_in } => {
            tracing::warn!(%why, retry_in_ms = retry_in.as_millis() as u64, "device channel down; reopening")
        }
        Note::CheckedIn { answer, channel } => tracing::info!(
            compliance = %answer.compliance,
            reasons = ?answer.reasons,
            channel,
            "checked in"
        ),
        Note::CheckInFailed(e) => {
            tracing::warn!(error = %e, "check-in failed; retrying with backoff")
        }
        Note::Offer {
            session_id,
            code,
            helper,
        } => {
            tracing::info!(session = %session_id, helper = %helper.email, "a helper offers a session");
            if no_join {
                println!(
                    "{} ({}) wants to help you, but this agent runs with --no-join.",
                    helper.name, helper.email
                );
            } else if offers_tx
                .try_send(Offer {
                    session_id,
                    code,
                    helper,
                })
                .is_err()
            {
                tracing::warn!("too many offers at once; this one is ignored");
            }
        }
    });
    let fatal = if a.no_join {
        checkins.await
    } else {
        tokio::select! {
            fatal = checkins => fatal,
            stop = codes(&id, &dir, &a.share, &mut offers, &declines) => return stop,
        }
    };
    Err(anyhow::Error::new(fatal).context("the agent stops"))
}

/// Offers of helpers waiting for the person's answer at most (more are ignored).
const OFFERS_QUEUE: usize = 4;

/// A helper's offer, received on the device channel.
struct Offer {
    session_id: String,
    code: String,
    helper: assist_agent::channel::OfferHelper,
}

/// `agent run`'s sessions: each line of standard input is a security code, joined as
/// `agent join CODE` would; after the session, the next code. A helper's offer (from the device
/// channel) is shown with who they are, and `accept` joins it without a code (`decline` drops
/// it and tells the helper, through `declines`). Returns on Ctrl-C outside a session; at the end of input it waits for ever (check-ins go
/// on).
async fn codes(
    identity: &Identity,
    dir: &Path,
    share: &ShareArgs,
    offers: &mut tokio::sync::mpsc::Receiver<Offer>,
    declines: &tokio::sync::mpsc::Sender<assist_agent::channel::ChannelClient>,
) -> anyhow::Result<()> {
    let mut lines = share::Lines::stdin();
    println!("{}", share::CODE_PROMPT);
    let mut pending: Option<Offer> = None;
    loop {
        // A new listener for each wait: one made before a session would also see the Ctrl-C that
        // stopped that session (tokio keeps a signal for every listener that exists when it
        // arrives), and the agent would quit instead of waiting for the next code.
        let line = tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            Some(offer) = offers.recv() => {
                let h = &offer.helper;
                let from = [h.title.as_deref(), h.company.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                println!("{} <{}>{} wants to help you on this device.", h.name, h.email,
                    if from.is_empty() { String::new() } else { format!(" ({from})") });
                if UserToken::load(dir).is_err() {
                    println!("Nobody is signed in to this agent: sign in with `assist agent login` to accept.");
                }
                println!("{}", OFFER_PROMPT);
                pending = Some(offer);
                continue;
            }
            line = lines.next() => line,
        };
        let answer = line
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_ascii_lowercase();
        let code = match pending.take() {
            Some(offer) if matches!(answer.as_str(), "accept" | "a" | "y" | "yes") => offer.code,
            Some(offer) if matches!(answer.as_str(), "decline" | "d" | "n" | "no") => {
                let decline = assist_agent::channel::ChannelClient::Decline {
                    session_id: offer.session_id,
                };
                if declines.try_send(decline).is_err() {
                    tracing::warn!("too many answers at once; the helper is not told of this one");
                }
                println!("Declined.");
                println!("{}", share::CODE_PROMPT);
                continue;
            }
            kept => {
                pending = kept;
                let Some(code) = line.as_deref().and_then(share::code_line) else {
                    continue;
                };
                code.to_owned()
            }
        };
        let code = code.as_str();
        let user = match UserToken::load(dir) {
            Ok(u) => u,
            Err(e) => {
                println!("Cannot join: {e}. Sign in first with `assist agent login`.");
                continue;
            }
        };
        match share::join(identity, &user, &share.options(code.to_owned()), &mut lines).await {
            Ok(Finish::Lost) => println!("Lost the connection to the server."),
            Ok(_) => {}
            Err(e) => println!("Could not join: {e}"),
        }
        println!("{}", share::CODE_PROMPT);
    }
}

/// What the person at the device is asked when a helper offers a session.
const OFFER_PROMPT: &str = "Type `accept` to let them help you, or `decline`.";

async fn login_cmd(a: LoginArgs, dir: PathBuf) -> anyhow::Result<()> {
    let identity = Identity::load(&dir).ok();
    let server = match (&a.server, &identity) {
        (Some(s), _) => s.clone(),
        (None, Some(id)) => id.server.clone(),
        (None, None) => anyhow::bail!("give --server (this device is not enrolled)"),
    };
    let tls = identity.as_ref().map(|i| i.tls.clone()).unwrap_or_default();
    let device_name = System::host()
        .hostname()
        .unwrap_or_else(|| "this device".to_owned());
    let user = if let Some(email) = &a.email {
        let password = if a.password_stdin {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        } else {
            prompt_hidden("Password: ")?
        };
        login::with_password(
            &server,
            &tls,
            email,
            &password,
            a.totp.as_deref(),
            &device_name,
        )
        .await
        .context("sign-in failed")?
    } else if a.sso {
        let prompt = Terminal {
            open_browser: !a.no_browser,
        };
        login::with_sso(&server, &tls, &device_name, &prompt)
            .await
            .context("single sign-on failed")?
    } else {
        anyhow::bail!("give --email (password sign-in) or --sso");
    };
    user.save(&dir)?;
    println!(
        "Signed in as {} <{}>; token kept in {}",
        user.full_name,
        user.email,
        dir.join(login::USER_FILE).display()
    );
    Ok(())
}

/// Reads a secret line from the terminal (echo is not turned off: no terminal crate here, so
/// prefer `--password-stdin` in scripts).
fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    use std::io::Write;
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn join_cmd(a: JoinArgs, dir: PathBuf) -> anyhow::Result<()> {
    let identity = Identity::load(&dir)?;
    let user = UserToken::load(&dir)?;
    let opts = a.share.options(a.code);
    match share::join(&identity, &user, &opts, &mut share::Lines::stdin()).await? {
        Finish::Stopped | Finish::Over(_) => Ok(()),
        Finish::Lost => anyhow::bail!("lost the connection to the server"),
    }
}

fn print_compliance(state: &str, reasons: &[String]) {
    println!("Compliance: {state}");
    for r in reasons {
        println!("  - {r}");
    }
}
