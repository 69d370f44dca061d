//! Measures encode time per frame (BGRA → I420 → H.264) on this machine.
//!
//! `cargo run --release -p assist-agent --example media_encode_bench [frames]` prints, for
//! 1920×1080 and 1280×720 and for still, moving-square and whole-frame-scrolling content, the
//! median and 99th percentile of the time per frame, the conversion's share, and the output
//! bitrate at 30 fps. (A debug build measures the debug build: use `--release`.) Add `screen`
//! to compare with OpenH264's screen-content tuning.

use std::time::{Duration, Instant};

use assist_agent::media::{Converter, EncoderConfig, Motion, TestPattern, VideoEncoder, fit_size};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let frames: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(150);
    // `screen` turns on OpenH264's screen-content tuning (off by default), for comparison.
    let screen_content = args.iter().any(|a| a == "screen");
    println!(
        "{frames} frames per row, {} content mode",
        if screen_content { "screen" } else { "camera" }
    );
    println!(
        "{:<10} {:<7} {:>10} {:>10} {:>12} {:>10}",
        "size", "content", "median ms", "p99 ms", "convert ms", "kbit/s"
    );
    for (w, h) in [(1920u32, 1080u32), (1280, 720)] {
        for (name, motion) in [
            ("still", Motion::Still),
            ("square", Motion::Square),
            ("scroll", Motion::Scroll),
        ] {
            let mut pattern = TestPattern::with_motion(w, h, motion);
            let mut encoder = VideoEncoder::new(EncoderConfig {
                max_width: w,
                max_height: h,
                screen_content,
                ..EncoderConfig::default()
            })?;
            let mut converter = Converter::new();
            let mut times = Vec::with_capacity(frames);
            let mut convert_times = Vec::with_capacity(frames);
            let mut bytes = 0usize;
            for i in 0..frames + 10 {
                let frame = pattern.next_frame();
                let at = Duration::from_millis(i as u64 * 33);
                let (dw, dh) = fit_size(w, h, w, h);
                let t0 = Instant::now();
                converter.convert(&frame, dw, dh)?;
                let t1 = Instant::now();
                let encoded = encoder.encode(&frame, at)?;
                let t2 = Instant::now();
                if i >= 10 {
                    convert_times.push(t1 - t0);
                    times.push(t2 - t1);
                    bytes += encoded.map_or(0, |e| e.data.len());
                }
            }
            times.sort();
            convert_times.sort();
            let kbps = bytes as f64 * 8.0 / (frames as f64 / 30.0) / 1000.0;
            println!(
                "{:<10} {:<7} {:>10.2} {:>10.2} {:>12.2} {:>10.0}",
                format!("{w}x{h}"),
                name,
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.99)),
                ms(percentile(&convert_times, 0.5)),
                kbps
            );
        }
    }
    Ok(())
}
