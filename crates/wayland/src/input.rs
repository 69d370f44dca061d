//! What an injector needs of a remote-desktop session: Mutter's ([`crate::mutter::Session`]) and
//! the portal's ([`crate::portal::RemoteDesktop`]) take the same events.

use std::sync::Arc;

/// Pointer and keyboard of a remote-desktop session, in the shared monitor's pixels.
pub trait RemoteInput: Send {
    /// Moves the pointer to (`x`, `y`) in the monitor's pixels.
    fn pointer_to(&self, x: f64, y: f64) -> Result<(), zbus::Error>;
    /// Presses or releases a pointer button (an evdev `BTN_*` code).
    fn pointer_button(&self, button: i32, pressed: bool) -> Result<(), zbus::Error>;
    /// Turns the wheel `steps` clicks (positive: down or right) on `axis` (0 vertical, 1
    /// horizontal).
    fn pointer_axis_steps(&self, axis: u32, steps: i32) -> Result<(), zbus::Error>;
    /// Presses or releases a key by its evdev code (`KEY_*`).
    fn keycode(&self, code: u32, pressed: bool) -> Result<(), zbus::Error>;
    /// Presses or releases whatever key gives `keysym` (the compositor picks key and level).
    fn keysym(&self, keysym: u32, pressed: bool) -> Result<(), zbus::Error>;
}

impl<T: RemoteInput + Sync + ?Sized> RemoteInput for Arc<T> {
    fn pointer_to(&self, x: f64, y: f64) -> Result<(), zbus::Error> {
        (**self).pointer_to(x, y)
    }
    fn pointer_button(&self, button: i32, pressed: bool) -> Result<(), zbus::Error> {
        (**self).pointer_button(button, pressed)
    }
    fn pointer_axis_steps(&self, axis: u32, steps: i32) -> Result<(), zbus::Error> {
        (**self).pointer_axis_steps(axis, steps)
    }
    fn keycode(&self, code: u32, pressed: bool) -> Result<(), zbus::Error> {
        (**self).keycode(code, pressed)
    }
    fn keysym(&self, keysym: u32, pressed: bool) -> Result<(), zbus::Error> {
        (**self).keysym(keysym, pressed)
    }
}
