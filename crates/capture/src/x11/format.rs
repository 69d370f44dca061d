//! The root window's pixel layout, checked once at connect time.

use x11rb::protocol::xproto::{ImageOrder, Screen, Setup};

use crate::{CaptureError, PixelFormat};

/// The pixel format of `screen`'s root window, if this crate can hand it out unconverted.
///
/// Every desktop X server of the last twenty years answers 24-bit TrueColor in 32-bit little-endian
/// pixels, which is exactly [`PixelFormat::Bgrx`]; anything else is refused rather than converted.
pub(super) fn root_format(setup: &Setup, screen: &Screen) -> Result<PixelFormat, CaptureError> {
    let depth = screen.root_depth;
    let bits_per_pixel = setup
        .pixmap_formats
        .iter()
        .find(|f| f.depth == depth)
        .map(|f| f.bits_per_pixel)
        .ok_or_else(|| {
            CaptureError::UnsupportedPixelFormat(format!("no format for depth {depth}"))
        })?;
    let visual = screen
        .allowed_depths
        .iter()
        .flat_map(|d| d.visuals.iter())
        .find(|v| v.visual_id == screen.root_visual)
        .ok_or_else(|| CaptureError::UnsupportedPixelFormat("root visual not listed".into()))?;
    let masks = (visual.red_mask, visual.green_mask, visual.blue_mask);
    if bits_per_pixel == 32
        && (depth == 24 || depth == 32)
        && setup.image_byte_order == ImageOrder::LSB_FIRST
        && masks == (0x00ff_0000, 0x0000_ff00, 0x0000_00ff)
    {
        Ok(PixelFormat::Bgrx)
    } else {
        Err(CaptureError::UnsupportedPixelFormat(format!(
            "depth {depth}, {bits_per_pixel} bits per pixel, byte order {:?}, masks {:06x}/{:06x}/{:06x}",
            setup.image_byte_order, masks.0, masks.1, masks.2
        )))
    }
}
