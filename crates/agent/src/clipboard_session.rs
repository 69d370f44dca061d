//! Clipboard text in a session, the agent's part: between the sharer's X11 clipboard
//! ([`crate::clipboard`]) and the helper's page, as [`TransferMessage::Clipboard`] messages on the
//! session's `"input"` data channel.
//!
//! - Helper → sharer: the page sends the helper's clipboard text (in pieces,
//!   [`assist_proto::transfer::clipboard_parts`]); the agent puts it on the sharer's CLIPBOARD, so
//!   the sharer (or the helper, in control) pastes it.
//! - Sharer → helper: when another application on the sharer's desktop takes CLIPBOARD (a copy),
//!   the agent reads the text and sends it; the page puts it on the helper's clipboard.
//!
//! Text flows only while [`may_flow`] holds: the helper is in control right now (not stopped by
//! the sharer, not paused) and the server said the organisation allows clipboard sharing in this
//! session (`GET /api/sessions/{id}/transfers`: the helper's `remote_help.clipboard`,
//! conditional access), asked again each time control starts. The agent enforces this itself;
//! the page's own check is only for its buttons. PRIMARY (the selection of every click and drag)
//! is never sent to the helper.

use crate::clipboard::{ClipboardError, X11Clipboard};
use assist_proto::transfer::{ClipboardJoiner, Selection, TransferMessage, clipboard_parts};
use tokio::sync::mpsc;

/// Whether clipboard text may go either way now: in control (`in_control`: granted, not stopped
/// by the sharer), not paused, and allowed by the organisation (`allowed`: the server's answer
/// for this session).
pub fn may_flow(in_control: bool, paused: bool, allowed: bool) -> bool {
    in_control && !paused && allowed
}

/// A data-channel text message about clipboard or files, or `None` for anything else (input).
pub fn transfer_message(text: &str) -> Option<TransferMessage> {
    // Input events are tagged `"t"`; only messages with a `"type"` are ours.
    if !text.contains("\"type\"") {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// What became of a message from the helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A whole text was put on the sharer's clipboard (its length in characters).
    Set(usize),
    /// A piece of a longer text: more to come.
    Partial,
    /// Not allowed now, or not a clipboard message: nothing done.
    Ignored,
}

/// The sharer's clipboard during a session.
pub struct ClipboardSession {
    clip: X11Clipboard,
    copies: mpsc::UnboundedReceiver<(Selection, String)>,
    joiner: ClipboardJoiner,
    allowed: bool,
}

impl std::fmt::Debug for ClipboardSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClipboardSession")
            .field("allowed", &self.allowed)
            .finish()
    }
}

impl ClipboardSession {
    /// Opens the clipboard of X display `display` (`None`: `$DISPLAY`). Nothing flows until
    /// [`ClipboardSession::set_allowed`].
    pub fn open(display: Option<&str>) -> Result<ClipboardSession, ClipboardError> {
        let (clip, rx) = X11Clipboard::open(display)?;
        let (tx, copies) = mpsc::unbounded_channel();
        // The X thread hands copies over a std channel; this thread moves them to the async
        // side. It ends when the clipboard's connection does (the sender goes away).
        std::thread::Builder::new()
            .name("clipboard-copies".into())
            .spawn(move || {
                while let Ok(copy) = rx.recv() {
                    if tx.send(copy).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| ClipboardError::X11(e.to_string()))?;
        Ok(ClipboardSession {
            clip,
            copies,
            joiner: ClipboardJoiner::default(),
            allowed: false,
        })
    }

    /// What the server said of this session (see [`may_flow`]).
    pub fn set_allowed(&mut self, allowed: bool) {
        self.allowed = allowed;
        if !allowed {
            self.joiner = ClipboardJoiner::default();
        }
    }

    /// Whether the organisation allows it (the last answer).
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// A message from the helper; `in_control` and `paused` as in [`may_flow`].
    pub fn on_message(
        &mut self,
        msg: &TransferMessage,
        in_control: bool,
        paused: bool,
    ) -> Result<Received, ClipboardError> {
        let TransferMessage::Clipboard {
            selection,
            text,
            more,
        } = msg
        else {
            return Ok(Received::Ignored);
        };
        if !may_flow(in_control, paused, self.allowed) {
            self.joiner = ClipboardJoiner::default();
            return Ok(Received::Ignored);
        }
        match self.joiner.piece(*selection, text, *more) {
            Some(whole) => {
                self.clip.set(*selection, &whole)?;
                Ok(Received::Set(whole.chars().count()))
            }
            None if *more => Ok(Received::Partial),
            None => Ok(Received::Ignored),
        }
    }

    /// The next text another application copied to CLIPBOARD, as the messages to send
    /// (PRIMARY is skipped; text longer than the limit was never reported). Waits forever once
    /// the clipboard's connection is gone.
    pub async fn next_copy(&mut self) -> Vec<String> {
        loop {
            match self.copies.recv().await {
                Some((Selection::Clipboard, text)) => {
                    let parts = clipboard_parts(Selection::Clipboard, &text).unwrap_or_default();
                    return parts
                        .iter()
                        .filter_map(|p| serde_json::to_string(p).ok())
                        .collect();
                }
                Some((Selection::Primary, _)) => {}
                None => std::future::pending::<()>().await,
            }
        }
    }
}

/// Waits for the next copy, or forever without a clipboard.
pub async fn next_copy(clipboard: &mut Option<ClipboardSession>) -> Vec<String> {
    match clipboard {
        Some(c) => c.next_copy().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_only_in_control_unpaused_and_allowed() {
        assert!(may_flow(true, false, true));
        assert!(!may_flow(false, false, true), "view only");
        assert!(!may_flow(true, true, true), "paused");
        assert!(!may_flow(true, false, false), "organisation says no");
    }

    #[test]
    fn input_events_are_not_transfer_messages() {
        assert_eq!(
            transfer_message(r#"{"t":"key","code":"KeyA","down":true}"#),
            None
        );
        assert_eq!(transfer_message(r#"{"t":"text","text":"\"type\""}"#), None);
        assert_eq!(
            transfer_message(r#"{"type":"clipboard","selection":"clipboard","text":"hi"}"#),
            Some(TransferMessage::Clipboard {
                selection: Selection::Clipboard,
                text: "hi".into(),
                more: false
            })
        );
    }
}
