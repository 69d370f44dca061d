//! BGRA → I420 conversion, with an optional bilinear downscale.
//!
//! Colours are converted with the BT.601 limited-range matrix (what a WebRTC decoder assumes when
//! the stream says nothing else), chroma is the average of each 2×2 block. Odd widths and heights
//! lose their last column or row: H.264 4:2:0 needs even dimensions, and one pixel is invisible.
//!
//! The [`Converter`] keeps its output planes and scaling tables between frames, so after the
//! first frame of a given size a conversion allocates nothing.

use openh264::formats::YUVSource;

use super::MediaError;

/// One captured frame in BGRA byte order (what X11 and most capture APIs deliver).
#[derive(Debug, Clone, Copy)]
pub struct BgraFrame<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from the start of one row to the start of the next (at least `width * 4`).
    pub stride: usize,
    /// The pixels: `height` rows of `stride` bytes (the last row may be just `width * 4` long).
    pub data: &'a [u8],
}

impl<'a> BgraFrame<'a> {
    /// A frame whose rows are packed (`stride == width * 4`).
    pub fn packed(width: u32, height: u32, data: &'a [u8]) -> Self {
        BgraFrame {
            width,
            height,
            stride: width as usize * 4,
            data,
        }
    }

    /// Checks that size, stride and buffer agree and that the frame is at least 2×2.
    pub fn validate(&self) -> Result<(), MediaError> {
        let (w, h) = (self.width as usize, self.height as usize);
        if w < 2 || h < 2 {
            return Err(MediaError::InvalidFrame(format!(
                "{w}x{h} is smaller than 2x2"
            )));
        }
        if self.stride < w * 4 {
            return Err(MediaError::InvalidFrame(format!(
                "stride {} is less than width {w} * 4",
                self.stride
            )));
        }
        let needed = self.stride * (h - 1) + w * 4;
        if self.data.len() < needed {
            return Err(MediaError::InvalidFrame(format!(
                "{} bytes for {w}x{h} with stride {}, need {needed}",
                self.data.len(),
                self.stride
            )));
        }
        Ok(())
    }

    fn row(&self, y: usize) -> &'a [u8] {
        let start = y * self.stride;
        &self.data[start..start + self.width as usize * 4]
    }
}

/// An I420 picture (Y plane, then quarter-size U and V planes) with tight strides.
#[derive(Debug, Default)]
pub struct I420Buffer {
    width: usize,
    height: usize,
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
}

impl I420Buffer {
    /// Width in pixels (always even).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels (always even).
    pub fn height(&self) -> usize {
        self.height
    }

    /// The three planes.
    pub fn planes(&self) -> (&[u8], &[u8], &[u8]) {
        (&self.y, &self.u, &self.v)
    }

    fn resize(&mut self, width: usize, height: usize) {
        if (self.width, self.height) != (width, height) {
            self.width = width;
            self.height = height;
            self.y.resize(width * height, 0);
            self.u.resize(width / 2 * (height / 2), 0);
            self.v.resize(width / 2 * (height / 2), 0);
        }
    }
}

impl YUVSource for I420Buffer {
    fn dimensions(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    fn strides(&self) -> (usize, usize, usize) {
        (self.width, self.width / 2, self.width / 2)
    }

    fn y(&self) -> &[u8] {
        &self.y
    }

    fn u(&self) -> &[u8] {
        &self.u
    }

    fn v(&self) -> &[u8] {
        &self.v
    }
}

/// The size a `width`×`height` frame is encoded at when it must fit in `max_w`×`max_h`:
/// the aspect ratio is kept, both sides are even and at least 2.
pub fn fit_size(width: u32, height: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    let (max_w, max_h) = (max_w.max(2), max_h.max(2));
    if width <= max_w && height <= max_h {
        return ((width & !1).max(2), (height & !1).max(2));
    }
    let scale = f64::min(
        f64::from(max_w) / f64::from(width),
        f64::from(max_h) / f64::from(height),
    );
    let w = (f64::from(width) * scale).floor() as u32;
    let h = (f64::from(height) * scale).floor() as u32;
    ((w.min(max_w) & !1).max(2), (h.min(max_h) & !1).max(2))
}

/// Source position of each destination column or row: two neighbours and a weight (0..=256) for
/// the second one.
#[derive(Debug, Clone, Copy)]
struct Tap {
    first: usize,
    second: usize,
    weight: u32,
}

fn taps(src: usize, dst: usize) -> Vec<Tap> {
    let ratio = src as f64 / dst as f64;
    (0..dst)
        .map(|i| {
            let pos = ((i as f64 + 0.5) * ratio - 0.5).max(0.0);
            let first = (pos.floor() as usize).min(src - 1);
            let weight = ((pos - first as f64) * 256.0).round() as u32;
            Tap {
                first,
                second: (first + 1).min(src - 1),
                weight: weight.min(256),
            }
        })
        .collect()
}

/// Tables for one (source size, destination size) pair, kept until the sizes change.
#[derive(Debug, Default)]
struct Scaler {
    key: (usize, usize, usize, usize),
    columns: Vec<Tap>,
    rows: Vec<Tap>,
    line_a: Vec<u8>,
    line_b: Vec<u8>,
}

impl Scaler {
    fn prepare(&mut self, sw: usize, sh: usize, dw: usize, dh: usize) {
        if self.key != (sw, sh, dw, dh) {
            self.key = (sw, sh, dw, dh);
            self.columns = taps(sw, dw);
            self.rows = taps(sh, dh);
            self.line_a.resize(dw * 4, 0);
            self.line_b.resize(dw * 4, 0);
        }
    }

    /// Bilinear resample of destination row `y` into `out` (BGRA, `dw * 4` bytes).
    fn scale_row(columns: &[Tap], row: Tap, frame: &BgraFrame<'_>, out: &mut [u8]) {
        let top = frame.row(row.first);
        let bottom = frame.row(row.second);
        let wy = row.weight;
        for (px, tap) in out.chunks_exact_mut(4).zip(columns) {
            let (a, b) = (tap.first * 4, tap.second * 4);
            let wx = tap.weight;
            for c in 0..3 {
                let t = u32::from(top[a + c]) * (256 - wx) + u32::from(top[b + c]) * wx;
                let d = u32::from(bottom[a + c]) * (256 - wx) + u32::from(bottom[b + c]) * wx;
                px[c] = ((t * (256 - wy) + d * wy + 32768) >> 16) as u8;
            }
        }
    }
}

/// Converts BGRA frames to I420, reusing its buffers from frame to frame.
#[derive(Debug, Default)]
pub struct Converter {
    out: I420Buffer,
    scaler: Scaler,
}

impl Converter {
    /// A converter with no buffers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Converts `frame`, scaled to `dst_w`×`dst_h` when that differs from its (even) size.
    ///
    /// `dst_w` and `dst_h` must be even, at least 2 and no larger than the frame: use
    /// [`fit_size`].
    pub fn convert(
        &mut self,
        frame: &BgraFrame<'_>,
        dst_w: u32,
        dst_h: u32,
    ) -> Result<&I420Buffer, MediaError> {
        frame.validate()?;
        let (sw, sh) = (frame.width as usize, frame.height as usize);
        let (dw, dh) = (dst_w as usize, dst_h as usize);
        if dw < 2 || dh < 2 || dw % 2 != 0 || dh % 2 != 0 || dw > sw || dh > sh {
            return Err(MediaError::InvalidFrame(format!(
                "cannot convert {sw}x{sh} to {dw}x{dh}"
            )));
        }
        self.out.resize(dw, dh);
        let half = dw / 2;
        let I420Buffer { y, u, v, .. } = &mut self.out;
        let rows = y
            .chunks_exact_mut(dw * 2)
            .zip(u.chunks_exact_mut(half).zip(v.chunks_exact_mut(half)));
        if dw == sw & !1 && dh == sh & !1 {
            for (pair, (y_pair, (u_row, v_row))) in rows.enumerate() {
                let (top, bottom) = (frame.row(pair * 2), frame.row(pair * 2 + 1));
                convert_pair(&top[..dw * 4], &bottom[..dw * 4], y_pair, u_row, v_row);
            }
        } else {
            let scaler = &mut self.scaler;
            scaler.prepare(sw, sh, dw, dh);
            for (pair, (y_pair, (u_row, v_row))) in rows.enumerate() {
                let (columns, taps) = (&scaler.columns, &scaler.rows);
                Scaler::scale_row(columns, taps[pair * 2], frame, &mut scaler.line_a);
                Scaler::scale_row(columns, taps[pair * 2 + 1], frame, &mut scaler.line_b);
                convert_pair(&scaler.line_a, &scaler.line_b, y_pair, u_row, v_row);
            }
        }
        Ok(&self.out)
    }
}

/// Converts two BGRA rows of the same even width into two Y rows (`y_pair`) and one U and V row.
fn convert_pair(top: &[u8], bottom: &[u8], y_pair: &mut [u8], u_row: &mut [u8], v_row: &mut [u8]) {
    let (y_top, y_bottom) = y_pair.split_at_mut(y_pair.len() / 2);
    // Luma row by row and chroma per 2x2 block in separate simple loops, which the compiler
    // vectorises better than one loop doing both.
    luma_row(top, y_top);
    luma_row(bottom, y_bottom);
    let blocks = top
        .chunks_exact(8)
        .zip(bottom.chunks_exact(8))
        .zip(u_row.iter_mut().zip(v_row.iter_mut()));
    for ((t, b), (u, v)) in blocks {
        let blue = i32::from(t[0]) + i32::from(t[4]) + i32::from(b[0]) + i32::from(b[4]);
        let green = i32::from(t[1]) + i32::from(t[5]) + i32::from(b[1]) + i32::from(b[5]);
        let red = i32::from(t[2]) + i32::from(t[6]) + i32::from(b[2]) + i32::from(b[6]);
        *u = (((-38 * red - 74 * green + 112 * blue + 512) >> 10) + 128) as u8;
        *v = (((112 * red - 94 * green - 18 * blue + 512) >> 10) + 128) as u8;
    }
}

fn luma_row(bgra: &[u8], y_row: &mut [u8]) {
    for (y, px) in y_row.iter_mut().zip(bgra.chunks_exact(4)) {
        *y = luma(px[0], px[1], px[2]);
    }
}

#[inline(always)]
fn luma(b: u8, g: u8, r: u8) -> u8 {
    (((66 * u32::from(r) + 129 * u32::from(g) + 25 * u32::from(b) + 128) >> 8) + 16) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(w: u32, h: u32, bgra: [u8; 4]) -> Vec<u8> {
        bgra.iter()
            .copied()
            .cycle()
            .take((w * h * 4) as usize)
            .collect()
    }

    #[test]
    fn white_black_and_red_map_to_bt601_limited_range() {
        let mut c = Converter::new();
        for (bgra, yuv) in [
            ([255, 255, 255, 255], (235, 128, 128)),
            ([0, 0, 0, 255], (16, 128, 128)),
            ([0, 0, 255, 255], (82, 90, 240)),
        ] {
            let data = solid(4, 4, bgra);
            let out = c.convert(&BgraFrame::packed(4, 4, &data), 4, 4).unwrap();
            let (y, u, v) = out.planes();
            assert!(y.iter().all(|&p| p == yuv.0), "{bgra:?} -> y {y:?}");
            assert!(
                u.iter().all(|&p| p.abs_diff(yuv.1) <= 1),
                "{bgra:?} -> u {u:?}"
            );
            assert!(
                v.iter().all(|&p| p.abs_diff(yuv.2) <= 1),
                "{bgra:?} -> v {v:?}"
            );
        }
    }

    #[test]
    fn odd_sizes_and_padded_strides_are_cropped_to_even() {
        let (w, h, stride) = (5u32, 3u32, 24usize);
        let mut data = vec![0u8; stride * 3];
        for row in data.chunks_mut(stride) {
            row[..20].copy_from_slice(&solid(5, 1, [255, 255, 255, 255]));
        }
        let frame = BgraFrame {
            width: w,
            height: h,
            stride,
            data: &data,
        };
        let (dw, dh) = fit_size(w, h, 1920, 1080);
        assert_eq!((dw, dh), (4, 2));
        let out = Converter::new()
            .convert(&frame, dw, dh)
            .unwrap()
            .planes()
            .0
            .to_vec();
        assert_eq!(out, vec![235; 8]);
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        let data = vec![0u8; 10];
        let mut c = Converter::new();
        assert!(c.convert(&BgraFrame::packed(4, 4, &data), 4, 4).is_err());
        assert!(c.convert(&BgraFrame::packed(1, 1, &data), 2, 2).is_err());
        let frame = BgraFrame {
            width: 2,
            height: 1,
            stride: 4,
            data: &data,
        };
        assert!(frame.validate().is_err());
        let ok = solid(4, 4, [1, 2, 3, 4]);
        assert!(c.convert(&BgraFrame::packed(4, 4, &ok), 6, 4).is_err());
        assert!(c.convert(&BgraFrame::packed(4, 4, &ok), 3, 4).is_err());
    }

    #[test]
    fn fit_keeps_aspect_and_evenness() {
        assert_eq!(fit_size(1920, 1080, 1920, 1080), (1920, 1080));
        assert_eq!(fit_size(1920, 1080, 1280, 720), (1280, 720));
        assert_eq!(fit_size(3840, 2160, 1920, 1080), (1920, 1080));
        assert_eq!(fit_size(2560, 1600, 1920, 1080), (1728, 1080));
        assert_eq!(fit_size(1366, 768, 1280, 720), (1280, 718));
        assert_eq!(fit_size(1001, 701, 4000, 4000), (1000, 700));
    }

    #[test]
    fn downscale_averages_and_keeps_flat_colours() {
        // Left half white, right half black; scaled to half size the halves stay.
        let (w, h) = (8u32, 4u32);
        let mut data = Vec::new();
        for _ in 0..h {
            data.extend(solid(4, 1, [255, 255, 255, 255]));
            data.extend(solid(4, 1, [0, 0, 0, 255]));
        }
        let mut c = Converter::new();
        let out = c.convert(&BgraFrame::packed(w, h, &data), 4, 2).unwrap();
        assert_eq!((out.width(), out.height()), (4, 2));
        let y = out.planes().0;
        assert_eq!(&y[..4], &[235, 235, 16, 16]);
        // The same buffers are reused for the next frame of the same size.
        let ptr = c.out.y.as_ptr();
        c.convert(&BgraFrame::packed(w, h, &data), 4, 2).unwrap();
        assert_eq!(ptr, c.out.y.as_ptr());
    }
}
