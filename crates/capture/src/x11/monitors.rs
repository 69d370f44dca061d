//! The monitors of an X screen, from RandR 1.5 (or the whole root window without it).

use x11rb::connection::Connection;
use x11rb::protocol::randr::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{ConnectionExt as _, Screen};

use crate::{CaptureError, Monitor};

/// The monitors RandR reports for `screen`, or one covering the whole root window when RandR is
/// missing, older than 1.5, or reports none (a bare Xvfb may).
pub(super) fn list(conn: &impl Connection, screen: &Screen) -> Result<Vec<Monitor>, CaptureError> {
    let mut monitors = randr_monitors(conn, screen)?;
    if monitors.is_empty() {
        monitors.push(whole_screen(screen));
    }
    Ok(monitors)
}

/// The whole root window as one monitor.
pub(super) fn whole_screen(screen: &Screen) -> Monitor {
    Monitor {
        name: "screen".into(),
        x: 0,
        y: 0,
        width: u32::from(screen.width_in_pixels),
        height: u32::from(screen.height_in_pixels),
        primary: true,
    }
}

fn randr_monitors(conn: &impl Connection, screen: &Screen) -> Result<Vec<Monitor>, CaptureError> {
    if conn
        .extension_information(randr::X11_EXTENSION_NAME)?
        .is_none()
    {
        return Ok(Vec::new());
    }
    let version = conn.randr_query_version(1, 5)?.reply()?;
    if (version.major_version, version.minor_version) < (1, 5) {
        return Ok(Vec::new());
    }
    let reply = conn.randr_get_monitors(screen.root, true)?.reply()?;
    // Ask for every name first, then collect the answers: one round trip, not one per monitor.
    let name_cookies = reply
        .monitors
        .iter()
        .map(|m| conn.get_atom_name(m.name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut monitors = Vec::with_capacity(reply.monitors.len());
    for (info, cookie) in reply.monitors.iter().zip(name_cookies) {
        let name = String::from_utf8_lossy(&cookie.reply()?.name).into_owned();
        if info.width == 0 || info.height == 0 {
            continue;
        }
        monitors.push(Monitor {
            name,
            x: i32::from(info.x),
            y: i32::from(info.y),
            width: u32::from(info.width),
            height: u32::from(info.height),
            primary: info.primary,
        });
    }
    Ok(monitors)
}
