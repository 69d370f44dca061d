//! Keeping the sharing indicator above other windows, on every workspace. GTK 4 has no call for
//! it; on X11 the app asks the window manager for `_NET_WM_STATE_ABOVE` and `_NET_WM_STATE_STICKY`
//! (EWMH). Elsewhere (Wayland) the indicator stays an ordinary, small window.

use gtk::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, PropMode};
use x11rb::wrapper::ConnectionExt as _;

/// `_NET_WM_STATE_ADD`.
const ADD: u32 = 1;
/// The source of the request: an application.
const FROM_APPLICATION: u32 = 1;

/// How often the request is made again after the window is mapped, until the window manager
/// says the window is above: a manager still taking the window when it is first made ignores a
/// request for a window it does not manage yet (and GTK may replace the property when it maps).
pub const ABOVE_AGAIN_AFTER: std::time::Duration = std::time::Duration::from_millis(300);
/// The most times the request is made again after the window is mapped.
pub const ABOVE_TRIES: u32 = 10;

/// Asks the window manager to keep `window` above the others, now (it has just been mapped) and
/// again every [`ABOVE_AGAIN_AFTER`] until its `_NET_WM_STATE` says so, at most [`ABOVE_TRIES`]
/// times.
pub fn keep_above_when_mapped(window: &gtk::Window) {
    keep_above(window);
    let w = window.clone();
    let mut tries = 0;
    gtk::glib::timeout_add_local(ABOVE_AGAIN_AFTER, move || {
        tries += 1;
        if !w.is_mapped() || xid(&w).is_none_or(|x| is_above(x).unwrap_or(true)) {
            return gtk::glib::ControlFlow::Break;
        }
        keep_above(&w);
        if tries >= ABOVE_TRIES {
            tracing::warn!("the window manager did not keep the sharing indicator above");
            return gtk::glib::ControlFlow::Break;
        }
        gtk::glib::ControlFlow::Continue
    });
}

/// The X window of `window` (`None` when not on X11).
fn xid(window: &gtk::Window) -> Option<u32> {
    let surface = window.surface()?;
    let x11 = surface.downcast::<gdk4_x11::X11Surface>().ok()?;
    u32::try_from(x11.xid()).ok()
}

/// Whether the window manager says `xid` is above the others.
fn is_above(xid: u32) -> Result<bool, Box<dyn std::error::Error>> {
    let (conn, _) = x11rb::connect(None)?;
    let state = conn.intern_atom(false, b"_NET_WM_STATE")?.reply()?.atom;
    let above = conn
        .intern_atom(false, b"_NET_WM_STATE_ABOVE")?
        .reply()?
        .atom;
    let reply = conn
        .get_property(false, xid, state, AtomEnum::ATOM, 0, 32)?
        .reply()?;
    Ok(reply.value32().is_some_and(|mut v| v.any(|a| a == above)))
}

/// Asks the window manager to keep `window` (mapped) above the others.
fn keep_above(window: &gtk::Window) {
    let Some(surface) = window.surface() else {
        return;
    };
    let Ok(x11) = surface.downcast::<gdk4_x11::X11Surface>() else {
        tracing::debug!("not on X11: the indicator is an ordinary window");
        return;
    };
    let Ok(xid) = u32::try_from(x11.xid()) else {
        return;
    };
    if let Err(e) = ask(xid) {
        tracing::warn!(error = %e, "could not keep the sharing indicator above other windows");
    }
}

fn ask(xid: u32) -> Result<(), Box<dyn std::error::Error>> {
    let (conn, screen) = x11rb::connect(None)?;
    let root = conn.setup().roots[screen].root;
    let atom = |name: &[u8]| -> Result<u32, Box<dyn std::error::Error>> {
        Ok(conn.intern_atom(false, name)?.reply()?.atom)
    };
    let state = atom(b"_NET_WM_STATE")?;
    let above = atom(b"_NET_WM_STATE_ABOVE")?;
    let sticky = atom(b"_NET_WM_STATE_STICKY")?;
    // Both ways: the property, read when the window manager takes a newly mapped window, and the
    // request, for a window it already manages.
    conn.change_property32(
        PropMode::APPEND,
        xid,
        state,
        AtomEnum::ATOM,
        &[above, sticky],
    )?;
    let event = ClientMessageEvent::new(32, xid, state, [ADD, above, sticky, FROM_APPLICATION, 0]);
    conn.send_event(
        false,
        root,
        EventMask::SUBSTRUCTURE_REDIRECT | EventMask::SUBSTRUCTURE_NOTIFY,
        event,
    )?;
    conn.flush()?;
    Ok(())
}
