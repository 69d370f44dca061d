//! `assist-app`: the sharer's desktop app. The sharer types the code their helper gives them,
//! sees who the helper is, allows or denies each request, sees while someone watches or controls,
//! and chats; the agent library (`assist-agent`) does the session. `assist agent run` stays the
//! terminal mode.
//!
//! `assist-app --background` (the autostart entry, `packaging/`) starts without a window and keeps
//! the device channel open: a helper's offer shows a desktop notification and the window naming
//! the helper, with Accept and Decline. Starting `assist-app` again shows the running app's window.
//!
//! The words come from the web app's catalogues in the desktop's language (right to left for
//! Arabic and Hebrew); logs go to standard error, never into a window.

mod above;
mod bridge;
mod code;
mod i18n;
mod offers;
mod windows;

use gtk::prelude::*;

/// The app's id on the desktop (D-Bus name, desktop entry).
const APP_ID: &str = "org.assist.App";

/// What the command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The window, for a code.
    Window,
    /// No window until a helper offers a session; the device channel stays open.
    Background,
}

fn mode(args: impl Iterator<Item = String>) -> Result<Mode, String> {
    let mut mode = Mode::Window;
    for a in args {
        match a.as_str() {
            "--background" => mode = Mode::Background,
            other => {
                return Err(format!(
                    "unknown argument {other:?} (usage: assist-app [--background])"
                ));
            }
        }
    }
    Ok(mode)
}

fn main() -> anyhow::Result<()> {
    let mode = mode(std::env::args().skip(1)).map_err(anyhow::Error::msg)?;
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
    // The windows, built at the first activation; later ones (the app started again) show them.
    let ui: std::rc::Rc<std::cell::RefCell<Option<std::rc::Rc<windows::Ui>>>> = Default::default();
    app.connect_activate(move |app| {
        if let Some(ui) = ui.borrow().as_ref() {
            ui.show();
            return;
        }
        let background = mode == Mode::Background;
        let built = windows::Ui::new(app, i18n::Tr::new(&lang), settings.clone(), background);
        if background {
            // Alive without a window, for as long as the session lasts.
            std::mem::forget(app.hold());
            built.clone().open_channel();
        } else {
            built.show();
        }
        *ui.borrow_mut() = Some(built);
    });
    // GTK's own options are not used; the app takes none.
    let code = app.run_with_args::<&str>(&[]);
    if code != gtk::glib::ExitCode::SUCCESS {
        anyhow::bail!("the app stopped with an error");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_takes_background_only() {
        let args = |a: &[&str]| mode(a.iter().map(|s| (*s).to_owned()));
        assert_eq!(args(&[]), Ok(Mode::Window));
        assert_eq!(args(&["--background"]), Ok(Mode::Background));
        assert!(args(&["--bg"]).unwrap_err().contains("--bg"));
    }
}
