//! What changed on the screen since the last capture, from XDamage and XFixes regions.

use x11rb::connection::{Connection, SequenceNumber};
use x11rb::protocol::damage::{self, ConnectionExt as _, ReportLevel};
use x11rb::protocol::xfixes::{self, ConnectionExt as _};
use x11rb::protocol::xproto::Window;

use crate::{CaptureError, Monitor, Rect};

/// Past this many changed rectangles a capture reads their bounding box instead: one larger read
/// is cheaper than many tiny ones (text drawing damages glyph by glyph).
const MAX_DAMAGE_RECTS: usize = 32;

/// A damage object on the root window and a region to move its contents into.
pub(super) struct DamageTracker {
    damage: damage::Damage,
    region: xfixes::Region,
}

impl DamageTracker {
    /// Starts tracking changes to the whole root window. `Ok(None)` when the server lacks DAMAGE
    /// or XFixes 2.
    pub(super) fn start(
        conn: &impl Connection,
        root: Window,
    ) -> Result<Option<DamageTracker>, CaptureError> {
        if conn
            .extension_information(damage::X11_EXTENSION_NAME)?
            .is_none()
            || conn
                .extension_information(xfixes::X11_EXTENSION_NAME)?
                .is_none()
        {
            return Ok(None);
        }
        // Both extensions refuse requests from a client that has not announced its version.
        let fixes = conn.xfixes_query_version(5, 0)?.reply()?;
        conn.damage_query_version(1, 1)?.reply()?;
        if fixes.major_version < 2 {
            return Ok(None);
        }
        let region = conn.generate_id()?;
        conn.xfixes_create_region(region, &[])?.check()?;
        let damage = conn.generate_id()?;
        // NonEmpty: one DamageNotify when the damage goes from empty to not empty, so at most
        // one per capture; it is what the capturer waits for.
        conn.damage_create(damage, root, ReportLevel::NON_EMPTY)?
            .check()?;
        Ok(Some(DamageTracker { damage, region }))
    }

    /// Moves the damage accumulated so far into `out` (in `area`-relative coordinates, clipped to
    /// it) and starts accumulating afresh. Rectangles come from the server without overlaps.
    ///
    /// Returns the sequence number of the request that emptied the damage: a `DamageNotify`
    /// with this number or a later one is about a change made since.
    pub(super) fn take(
        &self,
        conn: &impl Connection,
        area: &Monitor,
        out: &mut Vec<Rect>,
    ) -> Result<SequenceNumber, CaptureError> {
        let emptied = conn
            .damage_subtract(self.damage, x11rb::NONE, self.region)?
            .sequence_number();
        let reply = conn.xfixes_fetch_region(self.region)?.reply()?;
        out.clear();
        out.extend(reply.rectangles.iter().filter_map(|r| {
            clip(
                i32::from(r.x),
                i32::from(r.y),
                u32::from(r.width),
                u32::from(r.height),
                area,
            )
        }));
        if out.len() > MAX_DAMAGE_RECTS {
            let bounds = out.iter().skip(1).fold(out[0], |acc, r| acc.union(r));
            out.clear();
            out.push(bounds);
        }
        Ok(emptied)
    }

    /// Forgets the damage accumulated so far (before a full read). Returns the sequence number
    /// of the request, as [`DamageTracker::take`] does.
    pub(super) fn discard(&self, conn: &impl Connection) -> Result<SequenceNumber, CaptureError> {
        Ok(conn
            .damage_subtract(self.damage, x11rb::NONE, x11rb::NONE)?
            .sequence_number())
    }
}

/// The part of a desktop rectangle inside `area`, in `area`'s coordinates.
fn clip(x: i32, y: i32, width: u32, height: u32, area: &Monitor) -> Option<Rect> {
    let (x0, y0) = (
        i64::from(x).max(i64::from(area.x)),
        i64::from(y).max(i64::from(area.y)),
    );
    let x1 = (i64::from(x) + i64::from(width)).min(i64::from(area.x) + i64::from(area.width));
    let y1 = (i64::from(y) + i64::from(height)).min(i64::from(area.y) + i64::from(area.height));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    Some(Rect {
        x: u32::try_from(x0 - i64::from(area.x)).ok()?,
        y: u32::try_from(y0 - i64::from(area.y)).ok()?,
        width: u32::try_from(x1 - x0).ok()?,
        height: u32::try_from(y1 - y0).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area() -> Monitor {
        Monitor {
            name: "right".into(),
            x: 100,
            y: 50,
            width: 200,
            height: 100,
            primary: false,
        }
    }

    #[test]
    fn clip_translates_into_the_area_and_cuts_what_sticks_out() {
        assert_eq!(
            clip(90, 40, 20, 20, &area()),
            Some(Rect {
                x: 0,
                y: 0,
                width: 10,
                height: 10
            })
        );
        assert_eq!(
            clip(290, 140, 50, 50, &area()),
            Some(Rect {
                x: 190,
                y: 90,
                width: 10,
                height: 10
            })
        );
        assert_eq!(clip(0, 0, 100, 50, &area()), None);
        assert_eq!(clip(300, 50, 10, 10, &area()), None);
    }
}
