//! Property tests (fuzzing on stable Rust) of the agent's SDP handling: the helper's page sends an
//! offer (`{"type":"offer","sdp":"..."}`) that the agent filters (unreachable candidates out)
//! and hands to str0m. Whatever arrives, answering it must give an answer or an error, never a
//! panic. The offers are a real one mutated line by line. `PROPTEST_CASES` cases per property
//! (64 here by default: each case builds a peer); docs/testing.md says how to run longer.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use assist_agent::media::{PeerConfig, SharerPeer};
use proptest::prelude::*;
use str0m::media::{Direction, MediaKind};
use str0m::{Candidate, RtcConfig};

const SHARER: &str = "127.0.0.1:1000";

/// The SDP of a real offer: recvonly video and the "input" data channel, as the page makes it.
fn real_offer_sdp() -> &'static str {
    static SDP: OnceLock<String> = OnceLock::new();
    SDP.get_or_init(|| {
        let mut rtc = RtcConfig::new()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .build(Instant::now());
        rtc.add_local_candidate(Candidate::host("127.0.0.1:2000".parse().unwrap(), "udp").unwrap())
            .unwrap();
        let mut change = rtc.sdp_api();
        change.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
        change.add_channel("input".into());
        let (offer, _pending) = change.apply().unwrap();
        offer.to_sdp_string()
    })
}

/// One edit of the offer's lines.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Replace(usize, String),
    Truncate(usize, usize),
    Insert(usize, String),
    Swap(usize, usize),
}

/// Lines that look like SDP, with values in odd places.
fn sdp_line() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z]=[ -~]{0,60}",
        "a=candidate:[ -~]{0,80}",
        (
            prop::sample::select(&["udp", "UDP", "tcp", "x"][..]),
            prop_oneof![
                Just("127.0.0.1".to_owned()),
                Just("::1".to_owned()),
                Just("10.0.0.1".to_owned()),
                "[a-z0-9]{1,12}\\.local",
                "[0-9.:]{0,20}"
            ],
            any::<u16>(),
        )
            .prop_map(|(t, ip, port)| format!(
                "a=candidate:1 1 {t} 2122260223 {ip} {port} typ host"
            )),
        "m=(video|audio|application) [0-9]{0,6} [A-Z/]{0,20} [0-9 ]{0,12}",
        "a=(mid|ssrc|rtpmap|fmtp|extmap|fingerprint|setup|ice-ufrag|ice-pwd|sctp-port):[ -~]{0,40}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = 0usize..64;
    prop_oneof![
        i.clone().prop_map(Edit::Delete),
        i.clone().prop_map(Edit::Duplicate),
        (i.clone(), sdp_line()).prop_map(|(i, l)| Edit::Replace(i, l)),
        (i.clone(), 0usize..80).prop_map(|(i, n)| Edit::Truncate(i, n)),
        (i.clone(), sdp_line()).prop_map(|(i, l)| Edit::Insert(i, l)),
        (i.clone(), i).prop_map(|(a, b)| Edit::Swap(a, b)),
    ]
}

fn mutated(edits: &[Edit]) -> String {
    let mut lines: Vec<String> = real_offer_sdp()
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    for e in edits {
        let n = lines.len().max(1);
        match e {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Edit::Replace(i, l) if !lines.is_empty() => lines[i % n] = l.clone(),
            Edit::Truncate(i, at) if !lines.is_empty() => {
                let line = &mut lines[i % n];
                let cut = line
                    .char_indices()
                    .map(|(k, _)| k)
                    .nth(*at)
                    .unwrap_or(line.len());
                line.truncate(cut);
            }
            Edit::Insert(i, l) => lines.insert(i % (lines.len() + 1), l.clone()),
            Edit::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            _ => {}
        }
    }
    let mut sdp = lines.join("\r\n");
    sdp.push_str("\r\n");
    sdp
}

fn answer(offer_json: &str) {
    let local: SocketAddr = SHARER.parse().unwrap();
    if let Ok((_peer, answer)) =
        SharerPeer::accept_offer(&PeerConfig::default(), offer_json, local, Instant::now())
    {
        let v: serde_json::Value = serde_json::from_str(&answer).expect("the answer is JSON");
        assert_eq!(v["type"], "answer");
        assert!(v["sdp"].as_str().unwrap().starts_with("v=0"));
    }
}

fn config() -> ProptestConfig {
    // Each case builds a peer (a DTLS certificate, an SCTP association); fewer than proptest's
    // default unless PROPTEST_CASES asks for more.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

#[test]
fn the_real_offer_is_answered() {
    let json = serde_json::json!({"type": "offer", "sdp": real_offer_sdp()}).to_string();
    let (_peer, answer) = SharerPeer::accept_offer(
        &PeerConfig::default(),
        &json,
        SHARER.parse().unwrap(),
        Instant::now(),
    )
    .unwrap();
    assert!(answer.contains("127.0.0.1 1000 typ host"), "{answer}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_offers_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        let json = serde_json::json!({"type": "offer", "sdp": mutated(&edits)}).to_string();
        answer(&json);
    }

    #[test]
    fn any_offer_text_never_panics(
        text in prop_oneof![
            any::<String>(),
            any::<String>().prop_map(|sdp| serde_json::json!({"type": "offer", "sdp": sdp}).to_string()),
            "\\{\"type\":\"[a-z]{0,8}\",\"sdp\":\"v=0[ -~]{0,40}\"\\}",
        ]
    ) {
        answer(&text);
    }
}
