//! A synthetic BGRA test picture for tests, examples and measures: colour bars, a band of
//! text-like detail, and optionally motion.

use super::convert::BgraFrame;

/// How the picture changes from frame to frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// Nothing changes (a still desktop).
    Still,
    /// A white square moves across the picture (a dragged window, a cursor trail).
    Square,
    /// The whole picture scrolls sideways every frame (the worst case for an encoder).
    Scroll,
}

/// Generates frames into one reused buffer.
#[derive(Debug)]
pub struct TestPattern {
    width: u32,
    height: u32,
    motion: Motion,
    base: Vec<u8>,
    frame: Vec<u8>,
    index: u32,
}

const BARS: [[u8; 4]; 8] = [
    [255, 255, 255, 255], // white (BGRA)
    [0, 255, 255, 255],   // yellow
    [255, 255, 0, 255],   // cyan
    [0, 255, 0, 255],     // green
    [255, 0, 255, 255],   // magenta
    [0, 0, 255, 255],     // red
    [255, 0, 0, 255],     // blue
    [32, 32, 32, 255],    // near black
];

impl TestPattern {
    /// A `width`×`height` pattern with a moving square.
    pub fn new(width: u32, height: u32) -> Self {
        Self::with_motion(width, height, Motion::Square)
    }

    /// A `width`×`height` pattern with the given motion.
    pub fn with_motion(width: u32, height: u32, motion: Motion) -> Self {
        let (w, h) = (width as usize, height as usize);
        let mut base = vec![0u8; w * h * 4];
        for (y, row) in base.chunks_exact_mut(w * 4).enumerate() {
            for (x, px) in row.chunks_exact_mut(4).enumerate() {
                px.copy_from_slice(&if y * 3 < h * 2 {
                    BARS[x * BARS.len() / w.max(1)]
                } else {
                    text_like(x, y)
                });
            }
        }
        TestPattern {
            width,
            height,
            motion,
            frame: base.clone(),
            base,
            index: 0,
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The next frame (packed rows); `Still` returns the same picture every time.
    pub fn next_frame(&mut self) -> BgraFrame<'_> {
        let (w, h) = (self.width as usize, self.height as usize);
        let i = self.index as usize;
        self.index = self.index.wrapping_add(1);
        match self.motion {
            Motion::Still => {}
            Motion::Square => {
                self.frame.copy_from_slice(&self.base);
                let side = (h / 6).max(2).min(w);
                let span_x = w - side;
                let span_y = h - side;
                let x0 = if span_x == 0 { 0 } else { (i * 8) % span_x };
                let y0 = if span_y == 0 { 0 } else { (i * 3) % span_y };
                for row in self.frame.chunks_exact_mut(w * 4).skip(y0).take(side) {
                    for px in row[x0 * 4..(x0 + side) * 4].chunks_exact_mut(4) {
                        px.copy_from_slice(&[240, 240, 240, 255]);
                    }
                }
            }
            Motion::Scroll => {
                let shift = (i * 4) % w.max(1) * 4;
                for (dst, src) in self
                    .frame
                    .chunks_exact_mut(w * 4)
                    .zip(self.base.chunks_exact(w * 4))
                {
                    dst[..w * 4 - shift].copy_from_slice(&src[shift..]);
                    dst[w * 4 - shift..].copy_from_slice(&src[..shift]);
                }
            }
        }
        BgraFrame::packed(self.width, self.height, &self.frame)
    }
}

/// Dark "glyphs" on a light background: small blocks switched by a hash of their position.
fn text_like(x: usize, y: usize) -> [u8; 4] {
    let (cell_x, cell_y) = (x / 2, y / 3);
    let line_gap = (y / 3) % 6 == 5;
    let hash = (cell_x.wrapping_mul(2_654_435_761) ^ cell_y.wrapping_mul(40_503)) >> 7;
    if !line_gap && hash % 3 == 0 {
        [40, 40, 40, 255]
    } else {
        [250, 250, 250, 255]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_the_right_size_and_change_only_when_moving() {
        let mut still = TestPattern::with_motion(64, 48, Motion::Still);
        let a = still.next_frame().data.to_vec();
        assert_eq!(a.len(), 64 * 48 * 4);
        assert_eq!(a, still.next_frame().data);
        for motion in [Motion::Square, Motion::Scroll] {
            let mut moving = TestPattern::with_motion(64, 48, motion);
            let a = moving.next_frame().data.to_vec();
            assert_ne!(a, moving.next_frame().data, "{motion:?}");
        }
    }
}
