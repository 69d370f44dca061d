//! Captured frames: a reusable pixel buffer and what changed in it.

use std::time::Instant;

/// How the four bytes of a pixel are laid out in [`Frame::data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// Blue, green, red, then one byte whose value is unspecified (X11 depth 24 pads it; it is not
    /// alpha). The same bytes as little-endian `0x__RRGGBB`.
    Bgrx,
}

/// A rectangle in frame coordinates (pixels from the frame's top-left corner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Rect {
    /// Number of pixels covered.
    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Whether the point lies inside.
    pub fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x
            && y >= self.y
            && u64::from(x) < u64::from(self.x) + u64::from(self.width)
            && u64::from(y) < u64::from(self.y) + u64::from(self.height)
    }

    /// The smallest rectangle covering both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        let right = (self.x + self.width).max(other.x + other.width);
        let bottom = (self.y + self.height).max(other.y + other.height);
        Rect {
            x,
            y,
            width: right - x,
            height: bottom - y,
        }
    }
}

/// One captured picture of the screen.
///
/// A capturer owns one `Frame` and updates it in place; the pixels outside [`Frame::damage`] are
/// those of the previous capture, which are still correct.
#[derive(Debug)]
pub struct Frame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from the start of one row to the start of the next (at least `width * 4`).
    pub stride: usize,
    /// Byte layout of each pixel.
    pub format: PixelFormat,
    /// The pixels, `stride * height` bytes, rows top to bottom.
    pub data: Vec<u8>,
    /// When the screen was read (or found unchanged).
    pub captured_at: Instant,
    /// What changed since the previous capture, in frame coordinates, without overlaps. Empty
    /// when nothing changed; the whole frame on the first capture.
    pub damage: Vec<Rect>,
    /// Number of this capture, counting from 1.
    pub sequence: u64,
}

impl Frame {
    /// A black frame of the given size.
    pub fn new(width: u32, height: u32, format: PixelFormat) -> Frame {
        let stride = width as usize * 4;
        Frame {
            width,
            height,
            stride,
            format,
            data: vec![0; stride * height as usize],
            captured_at: Instant::now(),
            damage: Vec::new(),
            sequence: 0,
        }
    }

    /// The whole frame as a rectangle.
    pub fn bounds(&self) -> Rect {
        Rect {
            x: 0,
            y: 0,
            width: self.width,
            height: self.height,
        }
    }

    /// Whether anything changed since the previous capture.
    pub fn is_changed(&self) -> bool {
        !self.damage.is_empty()
    }

    /// The bytes of row `y` (exactly `width * 4` of them), if the row exists.
    pub fn row(&self, y: u32) -> Option<&[u8]> {
        if y >= self.height {
            return None;
        }
        let start = y as usize * self.stride;
        self.data.get(start..start + self.width as usize * 4)
    }

    /// The four bytes of the pixel at (`x`, `y`), in [`Frame::format`] order.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width {
            return None;
        }
        let row = self.row(y)?;
        let at = x as usize * 4;
        let bytes = row.get(at..at + 4)?;
        Some([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    /// Copies this frame into `dst`, reusing `dst`'s buffers (no allocation once `dst` has held a
    /// frame of this size). For handing frames to another thread from a pool.
    pub fn copy_into(&self, dst: &mut Frame) {
        dst.width = self.width;
        dst.height = self.height;
        dst.stride = self.stride;
        dst.format = self.format;
        dst.data.clear();
        dst.data.extend_from_slice(&self.data);
        dst.captured_at = self.captured_at;
        dst.damage.clear();
        dst.damage.extend_from_slice(&self.damage);
        dst.sequence = self.sequence;
    }

    /// Copies `src`, a block of `rect.height` rows of `rect.width` pixels packed without padding,
    /// into the frame at `rect`. Returns `false` (and copies nothing) when the rectangle does not
    /// fit the frame or `src` is too short.
    pub(crate) fn blit(&mut self, rect: Rect, src: &[u8]) -> bool {
        let row_bytes = rect.width as usize * 4;
        let fits = u64::from(rect.x) + u64::from(rect.width) <= u64::from(self.width)
            && u64::from(rect.y) + u64::from(rect.height) <= u64::from(self.height)
            && src.len() >= row_bytes * rect.height as usize;
        if !fits {
            return false;
        }
        for (i, src_row) in src
            .chunks_exact(row_bytes)
            .take(rect.height as usize)
            .enumerate()
        {
            let start = (rect.y as usize + i) * self.stride + rect.x as usize * 4;
            self.data[start..start + row_bytes].copy_from_slice(src_row);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blit_places_rows_and_rejects_what_does_not_fit() {
        let mut frame = Frame::new(4, 3, PixelFormat::Bgrx);
        let block: Vec<u8> = (0..2 * 2 * 4).map(|i| i as u8 + 1).collect();
        let rect = Rect {
            x: 1,
            y: 1,
            width: 2,
            height: 2,
        };
        assert!(frame.blit(rect, &block));
        assert_eq!(frame.pixel(0, 0), Some([0, 0, 0, 0]));
        assert_eq!(frame.pixel(1, 1), Some([1, 2, 3, 4]));
        assert_eq!(frame.pixel(2, 1), Some([5, 6, 7, 8]));
        assert_eq!(frame.pixel(1, 2), Some([9, 10, 11, 12]));
        assert_eq!(frame.pixel(3, 2), Some([0, 0, 0, 0]));
        assert!(!frame.blit(Rect { x: 3, ..rect }, &block));
        assert!(!frame.blit(rect, &block[..8]));
        assert_eq!(frame.pixel(4, 0), None);
        assert_eq!(frame.row(3), None);
    }

    #[test]
    fn rect_union_and_contains() {
        let a = Rect {
            x: 0,
            y: 0,
            width: 2,
            height: 2,
        };
        let b = Rect {
            x: 5,
            y: 1,
            width: 1,
            height: 4,
        };
        let u = a.union(&b);
        assert_eq!(
            u,
            Rect {
                x: 0,
                y: 0,
                width: 6,
                height: 5
            }
        );
        assert!(u.contains(5, 4));
        assert!(!u.contains(6, 0));
        assert_eq!(u.area(), 30);
    }

    #[test]
    fn copy_into_reuses_the_destination() {
        let mut src = Frame::new(2, 2, PixelFormat::Bgrx);
        src.data[0] = 7;
        src.damage.push(src.bounds());
        src.sequence = 3;
        let mut dst = Frame::new(0, 0, PixelFormat::Bgrx);
        src.copy_into(&mut dst);
        assert_eq!(dst.pixel(0, 0), Some([7, 0, 0, 0]));
        assert_eq!(dst.damage, vec![src.bounds()]);
        assert_eq!(dst.sequence, 3);
    }
}
