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

/// When the request is made again after the window is mapped: a window manager may still be
/// taking the window when it is first made (and then ignores a request for a window it does not
/// manage yet).
pub const ABOVE_AGAIN_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// Asks the window manager to keep `window` above the others, now (it has just been mapped) and
/// again after [`ABOVE_AGAIN_AFTER`].
pub fn keep_above_when_mapped(window: &gtk::Window) {
    keep_above(window);
    let w = window.clone();
    gtk::glib::timeout_add_local_once(ABOVE_AGAIN_AFTER, move || {
        if w.is_mapped() {
            keep_above(&w);
        }
    });
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
