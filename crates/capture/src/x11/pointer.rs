//! The pointer for [`super::X11Capturer`]: its image and position from XFixes, and events when it
//! moves (XInput 2 raw motion on the root window, which every pointer move sends whatever
//! window is under it) or changes shape (XFixes cursor notify).

use x11rb::connection::Connection;
use x11rb::protocol::xfixes::{self, ConnectionExt as _, CursorNotifyMask};
use x11rb::protocol::xinput::{self, ConnectionExt as _};
use x11rb::protocol::xproto::Window;

use crate::cursor::CursorImage;
use crate::{CaptureError, Monitor};

/// Asks for pointer events on `root`; false when the server has no XFixes (then the pointer is
/// not drawn). Without XInput 2 the pointer is drawn but a move alone does not wake the capture.
pub(super) fn watch(conn: &impl Connection, root: Window) -> Result<bool, CaptureError> {
    if conn
        .extension_information(xfixes::X11_EXTENSION_NAME)?
        .is_none()
    {
        return Ok(false);
    }
    let fixes = conn.xfixes_query_version(5, 0)?.reply()?;
    if fixes.major_version < 2 {
        return Ok(false);
    }
    conn.xfixes_select_cursor_input(root, CursorNotifyMask::DISPLAY_CURSOR)?;
    if conn
        .extension_information(xinput::X11_EXTENSION_NAME)?
        .is_some()
        && conn.xinput_xi_query_version(2, 0)?.reply()?.major_version >= 2
    {
        conn.xinput_xi_select_events(
            root,
            &[xinput::EventMask {
                deviceid: xinput::Device::ALL.into(),
                mask: vec![xinput::XIEventMask::RAW_MOTION],
            }],
        )?;
    }
    conn.flush()?;
    Ok(true)
}

/// The pointer's image placed in `area`'s coordinates, and the cursor's serial (it changes with
/// the shape); `None` when the server shows none (an empty image).
pub(super) fn image(
    conn: &impl Connection,
    area: &Monitor,
) -> Result<Option<(CursorImage, u32)>, CaptureError> {
    let r = conn.xfixes_get_cursor_image()?.reply()?;
    if r.width == 0 || r.height == 0 {
        return Ok(None);
    }
    let image = CursorImage {
        x: i64::from(r.x) - i64::from(r.xhot) - i64::from(area.x),
        y: i64::from(r.y) - i64::from(r.yhot) - i64::from(area.y),
        width: u32::from(r.width),
        height: u32::from(r.height),
        pixels: r.cursor_image,
    };
    Ok(Some((image, r.cursor_serial)))
}
