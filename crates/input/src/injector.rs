//! The platform-neutral injection interface and the mapping of normalised coordinates.

use crate::{InputError, InputEvent};

/// Most keys the helper may hold down at once; more key-downs without key-ups are refused.
pub const MAX_PRESSED_KEYS: usize = 32;

/// Wheel delta, in DOM pixels, that makes one wheel click on the sharer (Chromium reports about
/// this for one notch of a mouse wheel). Smaller deltas, from touchpads, add up across events.
pub const WHEEL_STEP_PIXELS: f64 = 100.0;

/// Something that replays the helper's input on the sharer's desktop.
pub trait Injector: Send {
    /// Validates `ev` (see [`InputEvent::sanitized`]) and replays it.
    fn inject(&mut self, ev: &InputEvent) -> Result<(), InputError>;

    /// Releases every key and button pressed through this injector and undoes temporary keyboard
    /// remapping. Called when the sharer withdraws consent and when the session ends.
    fn release_all(&mut self) -> Result<(), InputError>;
}

impl<T: Injector + ?Sized> Injector for Box<T> {
    fn inject(&mut self, ev: &InputEvent) -> Result<(), InputError> {
        (**self).inject(ev)
    }

    fn release_all(&mut self) -> Result<(), InputError> {
        (**self).release_all()
    }
}

/// The shared screen's rectangle in desktop pixels: where normalised pointer coordinates land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenRect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width in pixels (at least 1).
    pub width: u32,
    /// Height in pixels (at least 1).
    pub height: u32,
}

impl ScreenRect {
    /// The desktop pixel for normalised coordinates (0..1 across the rectangle, clamped): 0 is
    /// the first pixel, 1 the last.
    pub fn to_desktop(&self, nx: f64, ny: f64) -> (i32, i32) {
        fn along(start: i32, len: u32, n: f64) -> i32 {
            let n = if n.is_finite() {
                n.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let offset = (n * f64::from(len.saturating_sub(1))).round() as i64;
            (i64::from(start) + offset).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
        }
        (
            along(self.x, self.width, nx),
            along(self.y, self.height, ny),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_coordinates_land_inside_the_rectangle() {
        let r = ScreenRect {
            x: 1920,
            y: 0,
            width: 1280,
            height: 720,
        };
        assert_eq!(r.to_desktop(0.0, 0.0), (1920, 0));
        assert_eq!(r.to_desktop(1.0, 1.0), (1920 + 1279, 719));
        assert_eq!(r.to_desktop(0.5, 0.5), (1920 + 640, 360));
        assert_eq!(r.to_desktop(-3.0, 7.0), (1920, 719));
        assert_eq!(r.to_desktop(f64::NAN, f64::INFINITY), (1920, 0));
        let dot = ScreenRect {
            x: -5,
            y: -5,
            width: 0,
            height: 1,
        };
        assert_eq!(dot.to_desktop(1.0, 1.0), (-5, -5));
    }
}
