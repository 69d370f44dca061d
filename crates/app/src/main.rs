//! `assist-app`: the sharer's desktop app. The sharer types the code their helper gives them,
//! sees who the helper is, allows or denies each request, sees while someone watches or controls,
//! and chats; the agent library (`assist-agent`) does the session. `assist agent run` stays the
//! terminal mode.
//!
//! The words come from the web app's catalogues in the desktop's language (right to left for
//! Arabic and Hebrew); logs go to standard error, never into a window.

mod above;
mod bridge;
mod code;
mod i18n;
mod windows;

use gtk::prelude::*;

/// The app's id on the desktop (D-Bus name, desktop entry).
const APP_ID: &str = "org.assist.App";

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let settings = bridge::Settings::from_env()?;
    let lang = i18n::desktop_language(|v| std::env::var(v).ok(), &i18n::languages());
    let app = gtk::Application::builder().application_id(APP_ID).build();
    app.connect_startup(move |_| {
        gtk::Widget::set_default_direction(if i18n::is_right_to_left(&lang) {
            gtk::TextDirection::Rtl
        } else {
            gtk::TextDirection::Ltr
        });
    });
    let lang = i18n::desktop_language(|v| std::env::var(v).ok(), &i18n::languages());
    app.connect_activate(move |app| {
        if let Some(w) = app.active_window() {
            w.present();
            return;
        }
        let _ui = windows::Ui::new(app, i18n::Tr::new(&lang), settings.clone());
    });
    // GTK's own options are not used; the app takes none.
    let code = app.run_with_args::<&str>(&[]);
    if code != gtk::glib::ExitCode::SUCCESS {
        anyhow::bail!("the app stopped with an error");
    }
    Ok(())
}
