//! The pointer drawn into the captured picture. The display server draws the pointer as a sprite
//! on top of the screen, so a screen read does not contain it; the capturer asks for the
//! pointer's image and position and blends it into the frame here, keeping the pixels it covers
//! to put them back before the next capture (the frame is updated in place, only where the
//! screen changed: without that, old pointers would stay behind as trails).
//!
//! Pure pixel work on a [`Frame`]; the X11 capturer feeds it XFixes cursor images.

use crate::{Frame, Rect};

/// Largest pointer image drawn, in pixels per side (X servers allow up to 64 or a little more;
/// a larger one is a broken reply and is not drawn).
pub const MAX_CURSOR_SIDE: u32 = 256;

/// A pointer image where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorImage {
    /// Left edge of the image, in frame pixels (the pointer's position minus its hot spot); may
    /// be negative or past the frame: the image is clipped.
    pub x: i64,
    /// Top edge, likewise.
    pub y: i64,
    /// Width of the image.
    pub width: u32,
    /// Height of the image.
    pub height: u32,
    /// `width * height` pixels, rows top to bottom, each `0xAARRGGBB` with premultiplied alpha
    /// (as XFixes gives them).
    pub pixels: Vec<u32>,
}

/// The frame's pixels a drawn pointer covers, to put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedUnder {
    rect: Rect,
    bytes: Vec<u8>,
}

impl SavedUnder {
    /// Where the pointer was drawn.
    pub fn rect(&self) -> Rect {
        self.rect
    }
}

/// The part of `cursor` inside the frame, in frame coordinates; `None` when none of it is (or the
/// image is malformed).
pub fn visible_rect(frame: &Frame, cursor: &CursorImage) -> Option<Rect> {
    if cursor.width == 0
        || cursor.height == 0
        || cursor.width > MAX_CURSOR_SIDE
        || cursor.height > MAX_CURSOR_SIDE
        || cursor.pixels.len() != cursor.width as usize * cursor.height as usize
    {
        return None;
    }
    let left = cursor.x.max(0);
    let top = cursor.y.max(0);
    let right = (cursor.x + i64::from(cursor.width)).min(i64::from(frame.width));
    let bottom = (cursor.y + i64::from(cursor.height)).min(i64::from(frame.height));
    if left >= right || top >= bottom {
        return None;
    }
    Some(Rect {
        x: left as u32,
        y: top as u32,
        width: (right - left) as u32,
        height: (bottom - top) as u32,
    })
}

/// Blends `cursor` into `frame` (BGRX) and returns what it covered, for [`restore`].
pub fn draw(frame: &mut Frame, cursor: &CursorImage) -> Option<SavedUnder> {
    let rect = visible_rect(frame, cursor)?;
    let row_bytes = rect.width as usize * 4;
    let mut bytes = Vec::with_capacity(row_bytes * rect.height as usize);
    for row in 0..rect.height {
        let y = rect.y + row;
        let start = y as usize * frame.stride + rect.x as usize * 4;
        bytes.extend_from_slice(&frame.data[start..start + row_bytes]);
        let cy = (i64::from(y) - cursor.y) as usize;
        for col in 0..rect.width {
            let x = rect.x + col;
            let cx = (i64::from(x) - cursor.x) as usize;
            let argb = cursor.pixels[cy * cursor.width as usize + cx];
            let alpha = argb >> 24;
            if alpha == 0 {
                continue;
            }
            let at = start + col as usize * 4;
            let px = &mut frame.data[at..at + 3];
            // Premultiplied "over": out = src + dst * (255 - alpha) / 255, per channel.
            for (i, shift) in [(0, 0), (1, 8), (2, 16)] {
                let src = (argb >> shift) & 0xff;
                let dst = u32::from(px[i]);
                px[i] = (src + (dst * (255 - alpha) + 127) / 255).min(255) as u8;
            }
        }
    }
    Some(SavedUnder { rect, bytes })
}

/// Puts back what [`draw`] covered.
pub fn restore(frame: &mut Frame, saved: &SavedUnder) {
    let rect = saved.rect;
    let row_bytes = rect.width as usize * 4;
    for row in 0..rect.height as usize {
        let start = (rect.y as usize + row) * frame.stride + rect.x as usize * 4;
        frame.data[start..start + row_bytes]
            .copy_from_slice(&saved.bytes[row * row_bytes..(row + 1) * row_bytes]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelFormat;

    fn grey_frame() -> Frame {
        let mut f = Frame::new(8, 6, PixelFormat::Bgrx);
        f.data.iter_mut().for_each(|b| *b = 100);
        f
    }

    fn pixel(f: &Frame, x: usize, y: usize) -> [u8; 3] {
        let at = y * f.stride + x * 4;
        [f.data[at], f.data[at + 1], f.data[at + 2]]
    }

    #[test]
    fn a_pointer_is_blended_clipped_and_put_back() {
        let mut f = grey_frame();
        let before = f.data.clone();
        // 3x2 at (-1, 4): one column and no row outside on the left; the bottom row is the
        // frame's last one (rows 4 and 5). Opaque red, half-transparent white, clear.
        let red = 0xffff0000;
        let half_white = 0x80808080;
        let cursor = CursorImage {
            x: -1,
            y: 4,
            width: 3,
            height: 2,
            pixels: vec![red, red, half_white, red, 0, half_white],
        };
        let saved = draw(&mut f, &cursor).unwrap();
        assert_eq!(
            saved.rect(),
            Rect {
                x: 0,
                y: 4,
                width: 2,
                height: 2
            }
        );
        assert_eq!(pixel(&f, 0, 4), [0, 0, 255], "opaque red (BGR)");
        // 128 + 100 * 127 / 255 = 178.
        assert_eq!(pixel(&f, 1, 4), [178, 178, 178], "half white over grey");
        assert_eq!(pixel(&f, 0, 5), [100, 100, 100], "clear leaves the screen");
        assert_eq!(pixel(&f, 2, 4), [100, 100, 100], "outside the image");
        restore(&mut f, &saved);
        assert_eq!(f.data, before);
    }

    #[test]
    fn nothing_is_drawn_outside_or_from_a_malformed_image() {
        let mut f = grey_frame();
        let mut c = CursorImage {
            x: 8,
            y: 0,
            width: 2,
            height: 2,
            pixels: vec![0xffffffff; 4],
        };
        assert_eq!(draw(&mut f, &c), None, "right of the frame");
        c.x = -2;
        assert_eq!(draw(&mut f, &c), None, "left of the frame");
        c.x = 0;
        c.pixels.pop();
        assert_eq!(draw(&mut f, &c), None, "too few pixels");
        c.width = MAX_CURSOR_SIDE + 1;
        assert_eq!(draw(&mut f, &c), None, "too large");
    }
}
