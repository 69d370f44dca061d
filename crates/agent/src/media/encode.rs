//! H.264 video encoder: BGRA frames in, Annex-B access units out.
//!
//! Wraps OpenH264 (built from its bundled source, no system library) with the settings a real-time
//! screen share needs: constrained baseline profile at level 3.1 (SPS `67 42 c0 1f`, what Chromium
//! negotiates as `profile-level-id=42e01f`), no B-frames (baseline has none), rate control on
//! bitrate with frame skipping allowed, one slice, one thread.
//!
//! Frames larger than the configured maximum are scaled down, aspect ratio kept, so a slow link can
//! drop from 1920×1080 to 1280×720 with [`VideoEncoder::set_max_size`].
//!
//! The safe OpenH264 API cannot change the bitrate of a running encoder, so
//! [`VideoEncoder::set_bitrate`] rebuilds it before the next frame, which then is a keyframe.
//! Callers should change the bitrate seldom (see `media::rate`).

use std::time::Duration;

use openh264::OpenH264API;
use openh264::Timestamp;
use openh264::encoder::{
    BitRate, Complexity, Encoder, EncoderConfig as H264Config, FrameRate, FrameType, Level,
    Profile, RateControlMode, UsageType, VuiConfig,
};

use super::MediaError;
use super::convert::{BgraFrame, Converter, fit_size};

/// What the encoder is set up for.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderConfig {
    /// Largest width a frame is encoded at; wider frames are scaled down.
    pub max_width: u32,
    /// Largest height a frame is encoded at; taller frames are scaled down.
    pub max_height: u32,
    /// Target bitrate in bits per second.
    pub bitrate_bps: u32,
    /// Highest frame rate the caller will deliver, for rate control.
    pub max_fps: f32,
    /// Use OpenH264's screen-content tuning. It spends far fewer bits on text and flat areas
    /// but measured 4 to 8 times slower per frame here (65 ms instead of 14 ms at 1920×1080 with
    /// a moving square), too slow for 30 fps, so it is off by default. Run the
    /// `media_encode_bench` example to compare.
    pub screen_content: bool,
}

impl Default for EncoderConfig {
    fn default() -> Self {
        EncoderConfig {
            max_width: 1920,
            max_height: 1080,
            bitrate_bps: 2_500_000,
            max_fps: 30.0,
            screen_content: false,
        }
    }
}

/// One encoded access unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedFrame {
    /// Annex-B bytes: NAL units with start codes (SPS and PPS precede every IDR).
    pub data: Vec<u8>,
    /// Whether this is an IDR frame a decoder can start from.
    pub keyframe: bool,
    /// Encoded width (after any scaling).
    pub width: u32,
    /// Encoded height (after any scaling).
    pub height: u32,
}

/// An H.264 encoder for BGRA frames. Not thread-safe by design: own it on the encoder thread.
pub struct VideoEncoder {
    config: EncoderConfig,
    encoder: Option<Encoder>,
    converter: Converter,
    keyframe_wanted: bool,
    encoded_since_build: u64,
    last_len: usize,
}

impl std::fmt::Debug for VideoEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoEncoder")
            .field("config", &self.config)
            .field("keyframe_wanted", &self.keyframe_wanted)
            .finish_non_exhaustive()
    }
}

impl VideoEncoder {
    /// An encoder with `config`; OpenH264 itself starts on the first frame.
    pub fn new(config: EncoderConfig) -> Result<Self, MediaError> {
        if config.max_width < 16 || config.max_height < 16 || config.bitrate_bps == 0 {
            return Err(MediaError::Encoder(format!("unusable config {config:?}")));
        }
        Ok(VideoEncoder {
            config,
            encoder: None,
            converter: Converter::new(),
            keyframe_wanted: false,
            encoded_since_build: 0,
            last_len: 0,
        })
    }

    /// The current settings.
    pub fn config(&self) -> &EncoderConfig {
        &self.config
    }

    /// Changes the target bitrate; takes effect on the next frame, which will be a keyframe.
    pub fn set_bitrate(&mut self, bps: u32) {
        let bps = bps.max(10_000);
        if bps != self.config.bitrate_bps {
            self.config.bitrate_bps = bps;
            self.encoder = None;
        }
    }

    /// Changes the largest encoded size; a frame of a new size starts with a keyframe.
    pub fn set_max_size(&mut self, max_width: u32, max_height: u32) {
        self.config.max_width = max_width.max(16);
        self.config.max_height = max_height.max(16);
    }

    /// Makes the next encoded frame a keyframe (answer to a PLI/FIR from the receiver).
    pub fn force_keyframe(&mut self) {
        self.keyframe_wanted = true;
    }

    /// The size a `width`×`height` frame is encoded at with the current maximum.
    pub fn output_size(&self, width: u32, height: u32) -> (u32, u32) {
        fit_size(width, height, self.config.max_width, self.config.max_height)
    }

    /// Encodes one frame captured at `timestamp` (time since the stream began).
    ///
    /// Returns `None` when rate control skipped the frame; a forced keyframe then waits for the
    /// next frame.
    pub fn encode(
        &mut self,
        frame: &BgraFrame<'_>,
        timestamp: Duration,
    ) -> Result<Option<EncodedFrame>, MediaError> {
        let (width, height) = self.output_size(frame.width, frame.height);
        let yuv = self.converter.convert(frame, width, height)?;
        let encoder = match &mut self.encoder {
            Some(e) => e,
            None => {
                self.encoded_since_build = 0;
                self.encoder.insert(Encoder::with_api_config(
                    OpenH264API::from_source(),
                    h264_config(&self.config),
                )?)
            }
        };
        // A fresh encoder starts with an IDR anyway, and OpenH264 is only initialised by the
        // first encode call.
        if self.keyframe_wanted && self.encoded_since_build > 0 {
            encoder.force_intra_frame();
        }
        let millis = u64::try_from(timestamp.as_millis()).unwrap_or(u64::MAX);
        let stream = encoder.encode_at(yuv, Timestamp::from_millis(millis))?;
        self.encoded_since_build += 1;
        let frame_type = stream.frame_type();
        if matches!(frame_type, FrameType::Skip | FrameType::Invalid) {
            return Ok(None);
        }
        let mut data = Vec::with_capacity(self.last_len + self.last_len / 2);
        stream.write_vec(&mut data);
        if data.is_empty() {
            return Ok(None);
        }
        self.last_len = data.len();
        let keyframe = frame_type == FrameType::IDR;
        if keyframe {
            self.keyframe_wanted = false;
        }
        Ok(Some(EncodedFrame {
            data,
            keyframe,
            width,
            height,
        }))
    }
}

fn h264_config(config: &EncoderConfig) -> H264Config {
    let usage = if config.screen_content {
        UsageType::ScreenContentRealTime
    } else {
        UsageType::CameraVideoRealTime
    };
    H264Config::new()
        .profile(Profile::Baseline)
        .level(Level::Level_3_1)
        .usage_type(usage)
        .rate_control_mode(RateControlMode::Bitrate)
        .bitrate(BitRate::from_bps(config.bitrate_bps))
        .max_frame_rate(FrameRate::from_hz(config.max_fps))
        .skip_frames(true)
        .complexity(Complexity::Low)
        // Neither is supported for screen content; OpenH264 warns on stderr if they are asked for.
        .adaptive_quantization(!config.screen_content)
        .background_detection(!config.screen_content)
        .num_threads(1)
        .vui(VuiConfig::bt601())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::nal::{NAL_IDR, NAL_PPS, NAL_SLICE, NAL_SPS, nal_types, sps_profile};
    use crate::media::pattern::{Motion, TestPattern};

    fn encode_n(enc: &mut VideoEncoder, pattern: &mut TestPattern, n: u32) -> Vec<EncodedFrame> {
        (0..n)
            .filter_map(|i| {
                let frame = pattern.next_frame();
                let at = Duration::from_millis(u64::from(i) * 33);
                enc.encode(&frame, at).unwrap()
            })
            .collect()
    }

    #[test]
    fn first_frame_is_sps_pps_idr_in_constrained_baseline_31() {
        let mut enc = VideoEncoder::new(EncoderConfig::default()).unwrap();
        let mut pattern = TestPattern::new(640, 360);
        let frames = encode_n(&mut enc, &mut pattern, 5);
        assert!(frames.len() >= 3, "rate control skipped too much");
        let first = &frames[0];
        assert!(first.keyframe);
        assert_eq!((first.width, first.height), (640, 360));
        assert_eq!(&nal_types(&first.data)[..3], &[NAL_SPS, NAL_PPS, NAL_IDR]);
        assert_eq!(sps_profile(&first.data), Some([0x42, 0xc0, 0x1f]));
        for later in &frames[1..] {
            assert!(!later.keyframe);
            assert!(nal_types(&later.data).iter().all(|&t| t == NAL_SLICE));
        }
    }

    #[test]
    fn keyframe_on_demand() {
        let mut enc = VideoEncoder::new(EncoderConfig::default()).unwrap();
        let mut pattern = TestPattern::new(320, 240);
        encode_n(&mut enc, &mut pattern, 3);
        enc.force_keyframe();
        let frames = encode_n(&mut enc, &mut pattern, 3);
        assert!(frames[0].keyframe);
        assert!(nal_types(&frames[0].data).contains(&NAL_IDR));
        assert!(!frames[1].keyframe);
    }

    #[test]
    fn lower_bitrate_gives_smaller_frames() {
        let mut enc = VideoEncoder::new(EncoderConfig {
            bitrate_bps: 4_000_000,
            ..EncoderConfig::default()
        })
        .unwrap();
        let mut pattern = TestPattern::with_motion(640, 360, Motion::Scroll);
        let high: usize = encode_n(&mut enc, &mut pattern, 30)
            .iter()
            .skip(1)
            .map(|f| f.data.len())
            .sum();
        enc.set_bitrate(150_000);
        assert_eq!(enc.config().bitrate_bps, 150_000);
        let low_frames = encode_n(&mut enc, &mut pattern, 30);
        assert!(
            low_frames[0].keyframe,
            "a new bitrate starts with a keyframe"
        );
        let low: usize = low_frames.iter().skip(1).map(|f| f.data.len()).sum();
        assert!(low * 2 < high, "low {low} bytes vs high {high} bytes");
    }

    #[test]
    fn large_frames_are_scaled_to_the_maximum() {
        let mut enc = VideoEncoder::new(EncoderConfig {
            max_width: 640,
            max_height: 360,
            ..EncoderConfig::default()
        })
        .unwrap();
        let mut pattern = TestPattern::new(1280, 720);
        let frames = encode_n(&mut enc, &mut pattern, 2);
        assert_eq!((frames[0].width, frames[0].height), (640, 360));
        enc.set_max_size(320, 320);
        let frames = encode_n(&mut enc, &mut pattern, 2);
        assert_eq!((frames[0].width, frames[0].height), (320, 180));
        assert!(frames[0].keyframe, "a new size starts with a keyframe");
    }

    #[test]
    fn odd_sized_frames_encode() {
        let mut enc = VideoEncoder::new(EncoderConfig::default()).unwrap();
        let mut pattern = TestPattern::new(333, 211);
        let frames = encode_n(&mut enc, &mut pattern, 2);
        assert_eq!((frames[0].width, frames[0].height), (332, 210));
    }
}
