//! Clipboard text and files between helper and sharer: the REST bodies with which the helper's page
//! opens and closes a transfer on the server (permission, tenant setting, size limit, audit), the
//! messages of the data channel that carry clipboard text and files between the two sides, and the
//! pure parts of a transfer: a safe file name, the next free name, and the sending window and
//! receiving check (offsets, size, SHA-256). No I/O here: the agent and the pages do the writing.
//!
//! A file goes in chunks of at most [`CHUNK_BYTES`]; the sender keeps at most [`WINDOW_CHUNKS`]
//! chunks unacknowledged, the receiver acknowledges every [`ACK_EVERY_CHUNKS`] chunks and at the
//! end, and checks the SHA-256 the sender announces in [`TransferMessage::Done`] against what it
//! received before it keeps the file.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Largest piece of a file in one data-channel message: 16 KiB, what every browser's data channel
/// delivers in one message.
pub const CHUNK_BYTES: usize = 16 * 1024;
/// Most chunks a sender has in flight without an acknowledgement (1 MiB): the bounded window that
/// keeps a slow receiver from having the sender's whole file queued in memory.
pub const WINDOW_CHUNKS: u64 = 64;
/// The receiver acknowledges after this many chunks (and at the end).
pub const ACK_EVERY_CHUNKS: u64 = 16;
const _: () = assert!(ACK_EVERY_CHUNKS <= WINDOW_CHUNKS);
/// Longest file name: in an offer, in characters; of a saved file, in bytes (the common
/// file-system limit).
pub const MAX_NAME_BYTES: usize = 255;
/// Largest clipboard text carried, in bytes of UTF-8 (1 MiB); longer text is not sent.
pub const MAX_CLIPBOARD_BYTES: usize = 1 << 20;
/// Largest piece of clipboard text in one data-channel message, in bytes of UTF-8 (32 KiB): even
/// written with JSON escapes a piece stays under the 256 KiB a data-channel message may have.
/// Longer text goes in several [`TransferMessage::Clipboard`] messages, all but the last with
/// `more: true`.
pub const CLIPBOARD_PART_BYTES: usize = 32 * 1024;
const _: () = assert!(CLIPBOARD_PART_BYTES * 6 + 1024 < 256 * 1024);
/// Length of a SHA-256 in hexadecimal.
pub const SHA256_HEX_CHARS: usize = 64;
/// Highest number tried for a free name (`name (1).ext` ... `name (999).ext`).
pub const MAX_NAME_NUMBER: u32 = 999;
/// The name used when nothing usable is left of the offered one.
pub const FALLBACK_NAME: &str = "file";

/// Which way a file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = TransferDirection))]
pub enum Direction {
    /// From the helper to the sharer.
    ToSharer,
    /// From the sharer to the helper.
    ToHelper,
}

impl Direction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ToSharer => "to_sharer",
            Direction::ToHelper => "to_helper",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "to_sharer" => Some(Direction::ToSharer),
            "to_helper" => Some(Direction::ToHelper),
            _ => None,
        }
    }
}

/// How a transfer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = TransferOutcome))]
pub enum Outcome {
    /// The whole file arrived and its SHA-256 matched.
    Completed,
    /// The receiving side said no.
    Refused,
    /// One side cancelled it.
    Cancelled,
    /// It broke off (connection lost, hash mismatch, disk full...).
    Failed,
}

impl Outcome {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Refused => "refused",
            Outcome::Cancelled => "cancelled",
            Outcome::Failed => "failed",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "completed" => Some(Outcome::Completed),
            "refused" => Some(Outcome::Refused),
            "cancelled" => Some(Outcome::Cancelled),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// `POST /api/sessions/{id}/transfers`: the helper's page opens a transfer before it offers or
/// accepts a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenTransfer {
    /// The file's name as offered (1 to [`MAX_NAME_BYTES`] characters; the receiving side makes
    /// it safe).
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Which way it goes.
    pub direction: Direction,
}

/// `POST /api/sessions/{id}/transfers/{tid}/finish`: how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishTransfer {
    /// How it ended.
    pub outcome: Outcome,
    /// The SHA-256 (hexadecimal) both sides checked; required for `completed`.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Bytes that arrived.
    #[serde(default)]
    pub bytes_done: i64,
}

/// A transfer as the server records it (the session report lists them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = TransferRecord))]
pub struct TransferView {
    /// The transfer's id (the data-channel messages carry it).
    pub id: String,
    /// The session.
    pub session_id: String,
    /// Who opened it (the helper's user id).
    pub actor_id: String,
    /// Which way it went.
    pub direction: Direction,
    /// The file's name as offered.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// The SHA-256 checked at the end, when it completed.
    pub sha256: Option<String>,
    /// How it ended; `None` while it runs.
    pub outcome: Option<Outcome>,
    /// Bytes that arrived.
    pub bytes_done: i64,
    /// When it was opened (Unix ms).
    pub started_at: i64,
    /// When it ended (Unix ms).
    pub finished_at: Option<i64>,
}

/// `GET /api/sessions/{id}/transfers`: what this session allows, and its transfers so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTransfers {
    /// The helper may share clipboard text in this session (role, conditional access).
    pub clipboard_allowed: bool,
    /// The helper may send and receive files in this session (role, tenant setting, conditional
    /// access).
    pub files_allowed: bool,
    /// The largest file one transfer may carry, in bytes.
    pub max_bytes: i64,
    /// The session's transfers, oldest first.
    pub transfers: Vec<TransferView>,
}

/// Which X11 selection (or the one clipboard elsewhere) a text came from or goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// The clipboard (Ctrl+C / Ctrl+V).
    Clipboard,
    /// The X11 primary selection (select / middle click).
    Primary,
}

/// The JSON text messages of the data channel about clipboard and files (file bytes go as binary
/// messages: [`encode_chunk`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TransferMessage {
    /// Clipboard text copied on the sending side, or a piece of it ([`clipboard_parts`]).
    Clipboard {
        /// Which selection.
        selection: Selection,
        /// The text, or this piece of it (at most [`CLIPBOARD_PART_BYTES`]).
        text: String,
        /// More pieces of the same text follow.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        more: bool,
    },
    /// The sharer turned clipboard sharing on or off for this session.
    ClipboardSharing {
        /// On or off.
        on: bool,
    },
    /// A file is offered: the receiver asks its user.
    Offer {
        /// The server's transfer id.
        id: String,
        /// The name as offered (the receiver makes it safe).
        name: String,
        /// Size in bytes.
        size: u64,
        /// Who sends it (a name to show).
        from: String,
    },
    /// The receiver's user allowed it: send.
    Accept {
        /// The transfer.
        id: String,
    },
    /// The receiver's user refused it.
    Refuse {
        /// The transfer.
        id: String,
    },
    /// The receiver has this many bytes (opens the window).
    Ack {
        /// The transfer.
        id: String,
        /// Bytes received in order so far.
        received: u64,
    },
    /// All bytes are sent; their SHA-256.
    Done {
        /// The transfer.
        id: String,
        /// Hexadecimal SHA-256 of the whole file.
        sha256: String,
    },
    /// The receiver checked the hash and kept the file (or not).
    Result {
        /// The transfer.
        id: String,
        /// `completed` or `failed`.
        outcome: Outcome,
    },
    /// Either side cancels; the receiver drops what it has.
    Cancel {
        /// The transfer.
        id: String,
    },
}

/// The messages that carry `text`: pieces of at most [`CLIPBOARD_PART_BYTES`] cut on character
/// boundaries, all but the last with `more: true`; `None` when the text is longer than
/// [`MAX_CLIPBOARD_BYTES`].
pub fn clipboard_parts(selection: Selection, text: &str) -> Option<Vec<TransferMessage>> {
    if text.len() > MAX_CLIPBOARD_BYTES {
        return None;
    }
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let mut cut = rest.len().min(CLIPBOARD_PART_BYTES);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, after) = rest.split_at(cut);
        parts.push(TransferMessage::Clipboard {
            selection,
            text: piece.to_owned(),
            more: !after.is_empty(),
        });
        if after.is_empty() {
            return Some(parts);
        }
        rest = after;
    }
}

/// Puts clipboard pieces back together on the receiving side: [`ClipboardJoiner::piece`] gives
/// the whole text with its last piece. A text that grows past [`MAX_CLIPBOARD_BYTES`], or whose
/// pieces change selection midway, is dropped (what follows starts a new text).
#[derive(Debug, Default, Clone)]
pub struct ClipboardJoiner {
    pending: Option<(Selection, String)>,
    too_long: bool,
}

impl ClipboardJoiner {
    /// One piece; the whole text when it was the last piece of a text within the limit.
    pub fn piece(&mut self, selection: Selection, text: &str, more: bool) -> Option<String> {
        let mut whole = match self.pending.take() {
            Some((s, t)) if s == selection => t,
            _ => String::new(),
        };
        if self.too_long || whole.len() + text.len() > MAX_CLIPBOARD_BYTES {
            self.too_long = more;
            return None;
        }
        whole.push_str(text);
        if more {
            self.pending = Some((selection, whole));
            None
        } else {
            Some(whole)
        }
    }
}

/// Length of the transfer-id field at the start of a binary chunk message.
pub const CHUNK_ID_BYTES: usize = 32;

/// A binary chunk message: the transfer id (32 ASCII characters), the offset (8 bytes, big
/// endian), then the bytes.
pub fn encode_chunk(id: &str, offset: u64, data: &[u8]) -> Option<Vec<u8>> {
    if id.len() != CHUNK_ID_BYTES || !id.is_ascii() || data.len() > CHUNK_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(CHUNK_ID_BYTES + 8 + data.len());
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(&offset.to_be_bytes());
    out.extend_from_slice(data);
    Some(out)
}

/// The parts of a binary chunk message: (id, offset, bytes); `None` when it is not one.
pub fn decode_chunk(msg: &[u8]) -> Option<(&str, u64, &[u8])> {
    if msg.len() < CHUNK_ID_BYTES + 8 || msg.len() > CHUNK_ID_BYTES + 8 + CHUNK_BYTES {
        return None;
    }
    let id = std::str::from_utf8(&msg[..CHUNK_ID_BYTES]).ok()?;
    if !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let offset = u64::from_be_bytes(msg[CHUNK_ID_BYTES..CHUNK_ID_BYTES + 8].try_into().ok()?);
    Some((id, offset, &msg[CHUNK_ID_BYTES + 8..]))
}

/// Whether `s` is a SHA-256 in hexadecimal.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == SHA256_HEX_CHARS && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Names Windows reserves for devices, whatever the extension: a file is never saved as one.
const RESERVED_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file name that is safe to create inside the download folder: only the last path component
/// is kept (`/` and `\` are separators), control characters, and characters Windows forbids
/// (`<>:"|?*`), become `_`; leading dots and spaces and trailing dots and spaces go (so never `.`,
/// `..` or a hidden file); a reserved device name gets a `_` in front; the result is cut to
/// [`MAX_NAME_BYTES`] on a character boundary, keeping the extension; [`FALLBACK_NAME`] when
/// nothing is left.
pub fn safe_name(offered: &str) -> String {
    let last = offered
        .rsplit(['/', '\\'])
        .find(|p| !p.trim().is_empty())
        .unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')
                || is_invisible(c)
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return FALLBACK_NAME.to_owned();
    }
    let stem_lower = trimmed
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_lowercase();
    let named = if RESERVED_NAMES.contains(&stem_lower.as_str()) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    };
    fit(&named, MAX_NAME_BYTES)
}

/// Bidirectional overrides and other invisible formatting characters that make a name read
/// differently from what it is (`evil\u{202e}txt.exe`).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Splits `name` into stem and extension (`.tar.gz` counts as `.gz`); no extension for
/// `name` without a dot or with a dot only at the start.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 16 => name.split_at(i),
        _ => (name, ""),
    }
}

/// Cuts `name` to `max` bytes on a character boundary, keeping its extension.
fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, ext) = split_ext(name);
    let room = max.saturating_sub(ext.len());
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{}", &stem[..cut], ext)
}

/// The `n`-th alternative to an already-safe name taken in the folder: `name (n).ext` (cut to
/// fit [`MAX_NAME_BYTES`]).
pub fn numbered_name(safe: &str, n: u32) -> String {
    if n == 0 {
        return safe.to_owned();
    }
    let (stem, ext) = split_ext(safe);
    let suffix = format!(" ({n}){ext}");
    let stem = fit(stem, MAX_NAME_BYTES.saturating_sub(suffix.len()));
    format!("{stem}{suffix}")
}

/// What went wrong with a received chunk or the end of a transfer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    /// A chunk that does not start where the last one ended.
    #[error("a chunk at offset {got} arrived where {expected} was expected")]
    OutOfOrder {
        /// The offset expected.
        expected: u64,
        /// The offset that came.
        got: u64,
    },
    /// More bytes than the offer announced.
    #[error("more bytes than the {size} offered")]
    TooLong {
        /// The size offered.
        size: u64,
    },
    /// The end came before all bytes.
    #[error("the transfer ended after {received} of {size} bytes")]
    Short {
        /// Bytes received.
        received: u64,
        /// The size offered.
        size: u64,
    },
    /// The bytes do not have the SHA-256 the sender announced.
    #[error("the SHA-256 does not match")]
    HashMismatch,
}

/// The receiving side of one file: checks that chunks come in order and never beyond the
/// offered size, hashes them, says when to acknowledge, and checks the hash at the end.
#[derive(Debug, Clone)]
pub struct Receiver {
    size: u64,
    received: u64,
    since_ack: u64,
    hash: Sha256,
}

impl Receiver {
    /// For a file of `size` bytes.
    pub fn new(size: u64) -> Self {
        Receiver {
            size,
            received: 0,
            since_ack: 0,
            hash: Sha256::new(),
        }
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Takes the chunk at `offset` (the caller writes it once this says yes); answers whether
    /// to acknowledge now.
    pub fn chunk(&mut self, offset: u64, data: &[u8]) -> Result<bool, ReceiveError> {
        if offset != self.received {
            return Err(ReceiveError::OutOfOrder {
                expected: self.received,
                got: offset,
            });
        }
        let end = self.received.saturating_add(data.len() as u64);
        if end > self.size {
            return Err(ReceiveError::TooLong { size: self.size });
        }
        self.hash.update(data);
        self.received = end;
        self.since_ack += 1;
        let ack = self.since_ack >= ACK_EVERY_CHUNKS || self.received == self.size;
        if ack {
            self.since_ack = 0;
        }
        Ok(ack)
    }

    /// At [`TransferMessage::Done`]: all bytes came and their SHA-256 is `announced`; answers
    /// the hash.
    pub fn finish(self, announced: &str) -> Result<String, ReceiveError> {
        if self.received != self.size {
            return Err(ReceiveError::Short {
                received: self.received,
                size: self.size,
            });
        }
        let got = hex::encode(self.hash.finalize());
        if got.eq_ignore_ascii_case(announced) {
            Ok(got)
        } else {
            Err(ReceiveError::HashMismatch)
        }
    }
}

/// The sending side of one file: which chunk to read next, within the window.
#[derive(Debug, Clone)]
pub struct Sender {
    size: u64,
    sent: u64,
    acked: u64,
    hash: Sha256,
}

impl Sender {
    /// For a file of `size` bytes.
    pub fn new(size: u64) -> Self {
        Sender {
            size,
            sent: 0,
            acked: 0,
            hash: Sha256::new(),
        }
    }

    /// The next chunk to send, (offset, length), when the window has room; `None` when all is
    /// sent or the window is full.
    pub fn next(&self) -> Option<(u64, usize)> {
        if self.sent >= self.size {
            return None;
        }
        let in_flight = self.sent - self.acked;
        if in_flight >= WINDOW_CHUNKS * CHUNK_BYTES as u64 {
            return None;
        }
        let len = (self.size - self.sent).min(CHUNK_BYTES as u64) as usize;
        Some((self.sent, len))
    }

    /// The chunk [`Sender::next`] gave was read and sent: `data` are its bytes.
    pub fn sent(&mut self, data: &[u8]) {
        self.hash.update(data);
        self.sent += data.len() as u64;
    }

    /// The receiver acknowledged `received` bytes (a stale or impossible value is ignored).
    pub fn ack(&mut self, received: u64) {
        if received > self.acked && received <= self.sent {
            self.acked = received;
        }
    }

    /// Every byte was sent.
    pub fn all_sent(&self) -> bool {
        self.sent >= self.size
    }

    /// Bytes the receiver acknowledged.
    pub fn acked(&self) -> u64 {
        self.acked
    }

    /// The SHA-256 of what was sent (for [`TransferMessage::Done`]).
    pub fn sha256(&self) -> String {
        hex::encode(self.hash.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_name("report.pdf"), "report.pdf");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\..\\Windows\\system.ini"), "system.ini");
        assert_eq!(safe_name("/"), FALLBACK_NAME);
        assert_eq!(safe_name(".."), FALLBACK_NAME);
        assert_eq!(safe_name("."), FALLBACK_NAME);
        assert_eq!(safe_name(""), FALLBACK_NAME);
        assert_eq!(safe_name("a/.."), FALLBACK_NAME);
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name("evil\nname\t.txt"), "evil_name_.txt");
        assert_eq!(safe_name("a\u{0}b"), "a_b");
        assert_eq!(safe_name("what?.txt"), "what_.txt");
        assert_eq!(safe_name("evil\u{202e}txt.exe"), "evil_txt.exe");
        assert_eq!(safe_name("CON"), "_CON");
        assert_eq!(safe_name("nul.txt"), "_nul.txt");
        assert_eq!(safe_name("console.txt"), "console.txt");
        assert_eq!(safe_name("name. . "), "name");
        assert_eq!(safe_name("résumé.pdf"), "résumé.pdf");
        let long = format!("{}.txt", "é".repeat(300));
        let s = safe_name(&long);
        assert!(s.len() <= MAX_NAME_BYTES, "{}", s.len());
        assert!(s.ends_with(".txt"));
        for hostile in [
            "../x",
            "x/../../y",
            "/abs/path",
            "\\\\server\\share\\f",
            "..\u{0}/..",
            "a/b/",
        ] {
            let s = safe_name(hostile);
            assert!(
                !s.contains(['/', '\\']) && s != "." && s != ".." && !s.is_empty(),
                "{hostile:?} -> {s:?}"
            );
        }
    }

    #[test]
    fn numbered_names() {
        assert_eq!(numbered_name("report.pdf", 0), "report.pdf");
        assert_eq!(numbered_name("report.pdf", 1), "report (1).pdf");
        assert_eq!(numbered_name("archive.tar.gz", 2), "archive.tar (2).gz");
        assert_eq!(numbered_name("README", 3), "README (3)");
        let long = "x".repeat(MAX_NAME_BYTES - 4) + ".bin";
        let n = numbered_name(&long, 999);
        assert!(n.len() <= MAX_NAME_BYTES);
        assert!(n.ends_with(" (999).bin"));
    }

    #[test]
    fn chunks_round_trip_and_bad_ones_are_refused() {
        let id = "0123456789abcdef0123456789abcdef";
        let m = encode_chunk(id, 42, b"hello").unwrap();
        assert_eq!(decode_chunk(&m), Some((id, 42, &b"hello"[..])));
        assert!(encode_chunk("short", 0, b"").is_none());
        assert!(encode_chunk(id, 0, &vec![0; CHUNK_BYTES + 1]).is_none());
        assert!(decode_chunk(&m[..10]).is_none());
        let mut bad = m.clone();
        bad[0] = b'/';
        assert!(decode_chunk(&bad).is_none());
        let big = [id.as_bytes(), &[0; 8], &vec![0; CHUNK_BYTES + 1]].concat();
        assert!(decode_chunk(&big).is_none());
    }

    /// Sender and receiver driven against each other over a simulated channel: every byte
    /// arrives once, in order, the window is never exceeded, and the hashes agree.
    #[test]
    fn sender_and_receiver_agree_within_the_window() {
        for size in [
            0u64,
            1,
            CHUNK_BYTES as u64,
            5 * CHUNK_BYTES as u64 + 7,
            300 * CHUNK_BYTES as u64 + 1,
        ] {
            let file: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
            let mut tx = Sender::new(size);
            let mut rx = Receiver::new(size);
            let mut wire: std::collections::VecDeque<(u64, Vec<u8>)> = Default::default();
            loop {
                while let Some((off, len)) = tx.next() {
                    let data = file[off as usize..off as usize + len].to_vec();
                    tx.sent(&data);
                    wire.push_back((off, data));
                    assert!(wire.len() as u64 <= WINDOW_CHUNKS);
                }
                let Some((off, data)) = wire.pop_front() else {
                    break;
                };
                if rx.chunk(off, &data).unwrap() {
                    tx.ack(rx.received());
                }
            }
            assert!(tx.all_sent());
            assert_eq!(tx.acked(), size);
            let expected = hex::encode(Sha256::digest(&file));
            assert_eq!(tx.sha256(), expected);
            assert_eq!(rx.finish(&tx.sha256()).unwrap(), expected);
        }
    }

    #[test]
    fn receiver_refuses_what_does_not_fit() {
        let mut rx = Receiver::new(10);
        assert_eq!(
            rx.chunk(5, b"x"),
            Err(ReceiveError::OutOfOrder {
                expected: 0,
                got: 5
            })
        );
        assert_eq!(
            rx.chunk(0, &[0; 11]),
            Err(ReceiveError::TooLong { size: 10 })
        );
        rx.chunk(0, &[0; 4]).unwrap();
        assert_eq!(
            rx.clone().finish(&"0".repeat(64)),
            Err(ReceiveError::Short {
                received: 4,
                size: 10
            })
        );
        rx.chunk(4, &[0; 6]).unwrap();
        assert_eq!(rx.finish(&"0".repeat(64)), Err(ReceiveError::HashMismatch));
        let mut tx = Sender::new(10);
        tx.ack(5); // nothing sent yet: ignored
        assert_eq!(tx.acked(), 0);
    }

    #[test]
    fn messages_have_their_wire_names() {
        let m = TransferMessage::Offer {
            id: "a".into(),
            name: "n".into(),
            size: 1,
            from: "Helen".into(),
        };
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            serde_json::json!({"type": "offer", "id": "a", "name": "n", "size": 1, "from": "Helen"})
        );
        let c: TransferMessage =
            serde_json::from_str(r#"{"type":"clipboard","selection":"primary","text":"hi"}"#)
                .unwrap();
        assert_eq!(
            c,
            TransferMessage::Clipboard {
                selection: Selection::Primary,
                text: "hi".into(),
                more: false,
            }
        );
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"type": "clipboard", "selection": "primary", "text": "hi"})
        );
        assert_eq!(Direction::parse("to_helper"), Some(Direction::ToHelper));
        assert_eq!(
            Outcome::parse(Outcome::Cancelled.as_str()),
            Some(Outcome::Cancelled)
        );
        assert!(is_sha256_hex(&"a".repeat(64)) && !is_sha256_hex(&"g".repeat(64)));
    }

    #[test]
    fn clipboard_text_goes_in_pieces_and_comes_back_whole() {
        let text: String = "ü✓a\u{1F600}"
            .chars()
            .cycle()
            .take(MAX_CLIPBOARD_BYTES / 3)
            .collect();
        let text = &text[..text.floor_char_boundary(MAX_CLIPBOARD_BYTES)];
        let parts = clipboard_parts(Selection::Clipboard, text).unwrap();
        assert!(parts.len() > 1);
        let mut joiner = ClipboardJoiner::default();
        let mut whole = None;
        for (i, p) in parts.iter().enumerate() {
            let json = serde_json::to_string(p).unwrap();
            assert!(json.len() < 256 * 1024);
            let TransferMessage::Clipboard {
                selection,
                text,
                more,
            } = serde_json::from_str(&json).unwrap()
            else {
                panic!("not clipboard")
            };
            assert!(text.len() <= CLIPBOARD_PART_BYTES);
            assert_eq!(more, i + 1 < parts.len());
            let got = joiner.piece(selection, &text, more);
            assert_eq!(got.is_some(), !more);
            whole = whole.or(got);
        }
        assert_eq!(whole.as_deref(), Some(text));
        // Short and empty text: one message.
        assert_eq!(clipboard_parts(Selection::Primary, "").unwrap().len(), 1);
        assert_eq!(
            joiner.piece(Selection::Primary, "", false).as_deref(),
            Some("")
        );
        // Too long: not sent, and not taken when pieces add up past the limit.
        assert!(
            clipboard_parts(Selection::Clipboard, &"x".repeat(MAX_CLIPBOARD_BYTES + 1)).is_none()
        );
        let piece = "y".repeat(CLIPBOARD_PART_BYTES);
        for _ in 0..MAX_CLIPBOARD_BYTES / CLIPBOARD_PART_BYTES {
            assert_eq!(joiner.piece(Selection::Clipboard, &piece, true), None);
        }
        assert_eq!(joiner.piece(Selection::Clipboard, "z", true), None);
        assert_eq!(
            joiner.piece(Selection::Clipboard, "end", false),
            None,
            "dropped whole"
        );
        assert_eq!(
            joiner.piece(Selection::Clipboard, "next", false).as_deref(),
            Some("next")
        );
        // A text whose pieces change selection starts again.
        assert_eq!(joiner.piece(Selection::Clipboard, "a", true), None);
        assert_eq!(
            joiner.piece(Selection::Primary, "b", false).as_deref(),
            Some("b")
        );
    }
}
