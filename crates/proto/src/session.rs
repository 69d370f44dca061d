//! The session state machine of `docs/architecture.md` ("The flow of a session").
//!
//! ```text
//!  Waiting ──expiry──► Expired
//!     │ Join
//!     ▼
//!  Joined ──Request(mode)──► Requested(mode) ──Consent(deny)──► Denied
//!                               │ Consent(allow)
//!                               ▼
//!                            Active(mode) ──Request(control) from view──► Requested(control, view goes on)
//!                                                                            deny: back to Active(view)
//!                            Active(control) ──StopControl (sharer)──► Active(view)
//!  any non-terminal state ──End(reason)──► Ended(reason);  live states past max length ──► Ended(max_length)
//! ```
//!
//! [`Session::apply`] takes an [`Event`] and the current time. It first lets time pass (the code
//! expires, the maximum length is reached), then applies the event. Nothing here reads a clock or
//! does I/O; [`Session::next_deadline`] tells the caller when to come back with [`Event::Tick`].
//!
//! Who may send which event is the caller's concern ([`Event::may_be_sent_by`] helps): the state
//! machine only knows which events are legal in which state.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A point in time: milliseconds since the Unix epoch. Always passed in by the caller.
pub type Millis = i64;

/// How long a security code stays valid: 10 minutes.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;

/// What the helper may do: watch the screen, or also use mouse and keyboard.
///
/// Ordered: `View < Control`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Mode {
    /// View only: the sharer's screen flows to the helper, no input flows back.
    View,
    /// Full control: the helper also sends mouse and keyboard input.
    Control,
}

impl Mode {
    /// The name used on the wire: `view` or `control`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::View => "view",
            Mode::Control => "control",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "view" => Ok(Mode::View),
            "control" => Ok(Mode::Control),
            _ => Err(UnknownName::new("mode", s)),
        }
    }
}

/// The two sides of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
// Named apart from the access-control `Role` in the OpenAPI document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ParticipantRole))]
pub enum Role {
    /// The support person who started the session and gave out the code.
    Helper,
    /// The person being helped, who entered the code and shares the screen.
    Sharer,
}

impl Role {
    /// Both roles, helper first.
    pub const ALL: [Role; 2] = [Role::Helper, Role::Sharer];

    /// The name used on the wire: `helper` or `sharer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Helper => "helper",
            Role::Sharer => "sharer",
        }
    }

    /// The other side.
    pub fn peer(self) -> Role {
        match self {
            Role::Helper => Role::Sharer,
            Role::Sharer => Role::Helper,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "helper" => Ok(Role::Helper),
            "sharer" => Ok(Role::Sharer),
            _ => Err(UnknownName::new("role", s)),
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EndReason {
    /// The helper pressed End (or cancelled a session nobody had joined yet).
    HelperEnded,
    /// The sharer pressed Stop.
    SharerEnded,
    /// The helper left cleanly (closed the page) and did not come back within the grace period.
    HelperLeft,
    /// The sharer left cleanly (closed the page, stopped the agent) and did not come back in time.
    SharerLeft,
    /// The helper's connection was lost and not resumed within the grace period.
    HelperLost,
    /// The sharer's connection was lost and not resumed within the grace period.
    SharerLost,
    /// A participant lost the right to take part while it ran: their account was disabled, or
    /// the helper's roles no longer allow helping this sharer (see `docs/access.md`).
    AccessRevoked,
    /// The tenant's maximum session length was reached.
    MaxLength,
}

impl EndReason {
    /// Every end reason.
    pub const ALL: [EndReason; 8] = [
        EndReason::HelperEnded,
        EndReason::SharerEnded,
        EndReason::HelperLeft,
        EndReason::SharerLeft,
        EndReason::HelperLost,
        EndReason::SharerLost,
        EndReason::AccessRevoked,
        EndReason::MaxLength,
    ];

    /// The name used on the wire, e.g. `sharer_left`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::HelperEnded => "helper_ended",
            EndReason::SharerEnded => "sharer_ended",
            EndReason::HelperLeft => "helper_left",
            EndReason::SharerLeft => "sharer_left",
            EndReason::HelperLost => "helper_lost",
            EndReason::SharerLost => "sharer_lost",
            EndReason::AccessRevoked => "access_revoked",
            EndReason::MaxLength => "max_length",
        }
    }

    /// The reason when `role` presses End.
    pub fn ended_by(role: Role) -> EndReason {
        match role {
            Role::Helper => EndReason::HelperEnded,
            Role::Sharer => EndReason::SharerEnded,
        }
    }

    /// The reason when `role` left cleanly and did not come back.
    pub fn left(role: Role) -> EndReason {
        match role {
            Role::Helper => EndReason::HelperLeft,
            Role::Sharer => EndReason::SharerLeft,
        }
    }

    /// The reason when `role`'s connection was lost and not resumed.
    pub fn lost(role: Role) -> EndReason {
        match role {
            Role::Helper => EndReason::HelperLost,
            Role::Sharer => EndReason::SharerLost,
        }
    }

    /// The participant this reason is about, if any (`max_length` is about nobody, and
    /// `access_revoked` names no side: the audit entry says whose access ended).
    pub fn role(self) -> Option<Role> {
        match self {
            EndReason::HelperEnded | EndReason::HelperLeft | EndReason::HelperLost => {
                Some(Role::Helper)
            }
            EndReason::SharerEnded | EndReason::SharerLeft | EndReason::SharerLost => {
                Some(Role::Sharer)
            }
            EndReason::AccessRevoked | EndReason::MaxLength => None,
        }
    }
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EndReason {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EndReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName::new("end reason", s))
    }
}

/// A session's state, with the data that belongs to it.
///
/// Serialised with a `name` tag, e.g. `{"name":"requested","mode":"control","active":"view"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum State {
    /// The helper created the session and gave out the code; nobody has joined.
    Waiting {
        /// When the code stops working (exclusive: at this instant it has expired).
        expires_at: Millis,
    },
    /// The sharer entered the code; both sides see the trust screen.
    Joined,
    /// The helper asked for `mode`; the sharer has not answered yet.
    Requested {
        /// The mode asked for.
        mode: Mode,
        /// The mode still streaming meanwhile: `Some(View)` while an upgrade to control awaits
        /// consent ("view goes on"), `None` for a first request.
        active: Option<Mode>,
    },
    /// The sharer allowed `mode`; media (and input, for control) flows.
    Active {
        /// The mode allowed.
        mode: Mode,
    },
    /// The sharer denied the first request. Terminal.
    Denied,
    /// Nobody joined before the code expired. Terminal.
    Expired,
    /// The session is over. Terminal.
    Ended {
        /// Why it ended.
        reason: EndReason,
    },
}

/// The name of a [`State`] without its data, as shown in session views (`"waiting"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StateName {
    /// See [`State::Waiting`].
    Waiting,
    /// See [`State::Joined`].
    Joined,
    /// See [`State::Requested`].
    Requested,
    /// See [`State::Active`].
    Active,
    /// See [`State::Denied`].
    Denied,
    /// See [`State::Expired`].
    Expired,
    /// See [`State::Ended`].
    Ended,
}

impl StateName {
    /// Every state name, in the order of the diagram.
    pub const ALL: [StateName; 7] = [
        StateName::Waiting,
        StateName::Joined,
        StateName::Requested,
        StateName::Active,
        StateName::Denied,
        StateName::Expired,
        StateName::Ended,
    ];

    /// The name used on the wire, e.g. `waiting`.
    pub fn as_str(self) -> &'static str {
        match self {
            StateName::Waiting => "waiting",
            StateName::Joined => "joined",
            StateName::Requested => "requested",
            StateName::Active => "active",
            StateName::Denied => "denied",
            StateName::Expired => "expired",
            StateName::Ended => "ended",
        }
    }

    /// The states no event can leave.
    pub const TERMINAL: [StateName; 3] = [StateName::Denied, StateName::Expired, StateName::Ended];

    /// Whether no event can leave this state.
    pub fn is_terminal(self) -> bool {
        Self::TERMINAL.contains(&self)
    }
}

impl fmt::Display for StateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StateName {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StateName::ALL
            .into_iter()
            .find(|n| n.as_str() == s)
            .ok_or_else(|| UnknownName::new("state", s))
    }
}

/// A string that names no [`Mode`], [`Role`], [`EndReason`] or [`StateName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownName {
    /// What was being parsed, e.g. `"state"`.
    pub kind: &'static str,
    /// The string given (cut to 64 characters).
    pub value: String,
}

impl UnknownName {
    fn new(kind: &'static str, value: &str) -> UnknownName {
        UnknownName {
            kind,
            value: value.chars().take(64).collect(),
        }
    }
}

impl State {
    /// The state's name without its data.
    pub fn name(&self) -> StateName {
        match self {
            State::Waiting { .. } => StateName::Waiting,
            State::Joined => StateName::Joined,
            State::Requested { .. } => StateName::Requested,
            State::Active { .. } => StateName::Active,
            State::Denied => StateName::Denied,
            State::Expired => StateName::Expired,
            State::Ended { .. } => StateName::Ended,
        }
    }

    /// Whether no event can leave this state (Denied, Expired, Ended).
    pub fn is_terminal(&self) -> bool {
        self.name().is_terminal()
    }

    /// Whether both sides are in the session (Joined, Requested, Active): the states the maximum
    /// session length applies to.
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            State::Joined | State::Requested { .. } | State::Active { .. }
        )
    }

    /// The mode media (and, for control, input) may flow in right now.
    pub fn active_mode(&self) -> Option<Mode> {
        match *self {
            State::Active { mode } => Some(mode),
            State::Requested { active, .. } => active,
            _ => None,
        }
    }
}

impl fmt::Display for State {
    /// A short description for messages, e.g. `active (view)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Requested {
                mode,
                active: Some(active),
            } => {
                write!(f, "requested ({mode}, {active} goes on)")
            }
            State::Requested { mode, active: None } => write!(f, "requested ({mode})"),
            State::Active { mode } => write!(f, "active ({mode})"),
            State::Ended { reason } => write!(f, "ended ({reason})"),
            other => f.write_str(other.name().as_str()),
        }
    }
}

/// Something that happens to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The sharer entered the code. Legal only in Waiting.
    Join,
    /// The helper asks for a mode. Legal in Joined, and in Active(view) for `control`.
    Request {
        /// The mode asked for.
        mode: Mode,
    },
    /// The sharer answers a request. Legal only in Requested.
    Consent {
        /// Allow (true) or deny (false).
        allow: bool,
    },
    /// The sharer takes control back without ending: Active(control) goes on as Active(view).
    /// Legal only in Active(control).
    StopControl,
    /// Someone or something ends the session. Legal in every non-terminal state.
    End {
        /// Why.
        reason: EndReason,
    },
    /// Only time passes. Always legal.
    Tick,
}

impl Event {
    /// Whether a participant in `role` may cause this event through the API: the sharer joins and
    /// consents, the helper requests, each side ends or leaves for itself. Events the server raises
    /// on its own (`*_lost`, `max_length`, `Tick`) return false for both roles.
    pub fn may_be_sent_by(&self, role: Role) -> bool {
        match self {
            Event::Join | Event::Consent { .. } | Event::StopControl => role == Role::Sharer,
            Event::Request { .. } => role == Role::Helper,
            Event::End {
                reason:
                    reason @ (EndReason::HelperEnded
                    | EndReason::SharerEnded
                    | EndReason::HelperLeft
                    | EndReason::SharerLeft),
            } => reason.role() == Some(role),
            Event::End { .. } | Event::Tick => false,
        }
    }
}

impl fmt::Display for Event {
    /// A short description for messages, e.g. `request control`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Join => f.write_str("join"),
            Event::Request { mode } => write!(f, "request {mode}"),
            Event::Consent { allow: true } => f.write_str("allow"),
            Event::Consent { allow: false } => f.write_str("deny"),
            Event::StopControl => f.write_str("stop control"),
            Event::End { reason } => write!(f, "end ({reason})"),
            Event::Tick => f.write_str("tick"),
        }
    }
}

/// An event that is not legal in the session's state. The session is left as time advancement
/// left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TransitionError {
    /// The state the event found (after time advancement).
    pub from: State,
    /// The event refused.
    pub event: Event,
}

impl TransitionError {
    /// A stable, machine-readable code: `expired` (the code expired before the event),
    /// `already_ended` (the session is Ended or Denied), `request_pending` (a request already
    /// awaits the sharer's answer), `mode_not_allowed` (asking for the mode already active, or a
    /// downgrade from control to view) or `invalid_transition` (anything else).
    pub fn code(&self) -> &'static str {
        match (self.from, self.event) {
            (State::Expired, _) => "expired",
            (State::Ended { .. } | State::Denied, _) => "already_ended",
            (State::Requested { .. }, Event::Request { .. }) => "request_pending",
            (State::Active { .. }, Event::Request { .. }) => "mode_not_allowed",
            _ => "invalid_transition",
        }
    }

    /// A sentence for people, e.g. `cannot allow while the session is joined: nothing was requested`.
    pub fn message(&self) -> String {
        let hint = match (self.from, self.event) {
            (State::Expired, _) => "the security code has expired; start a new session",
            (State::Denied, _) => "the sharer denied the request; the session is over",
            (State::Ended { .. }, _) => "the session has already ended",
            (_, Event::Join) => "the session has already been joined",
            (State::Waiting { .. }, Event::Request { .. }) => "nobody has joined yet",
            (State::Requested { .. }, Event::Request { .. }) => {
                "a request is already waiting for the sharer's answer"
            }
            (State::Active { mode }, Event::Request { mode: asked }) if mode == asked => {
                "that mode is already active"
            }
            (State::Active { .. }, Event::Request { .. }) => {
                "full control is active; it cannot be reduced to view only"
            }
            (_, Event::Consent { .. }) => "nothing is waiting for consent",
            (_, Event::StopControl) => "the helper does not control the screen",
            _ => "not allowed in this state",
        };
        format!(
            "cannot {} while the session is {}: {hint}",
            self.event, self.from
        )
    }
}

/// One remote-help session: its state and the times that matter for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The current state.
    pub state: State,
    /// When the helper created the session.
    pub created_at: Millis,
    /// When the security code expires (kept after the Waiting state is left, for views).
    pub code_expires_at: Millis,
    /// When the sharer joined.
    pub joined_at: Option<Millis>,
    /// When the session first became Active.
    pub started_at: Option<Millis>,
    /// When the session reached a terminal state (Ended, Expired or Denied).
    pub ended_at: Option<Millis>,
    /// The tenant's maximum session length, counted from `joined_at`; `None` for no limit.
    pub max_length_ms: Option<i64>,
    /// The highest mode the sharer ever allowed (`control` > `view`), for reports.
    pub highest_mode: Option<Mode>,
    /// When the sharer last took control back ([`Event::StopControl`]); cleared when control
    /// is allowed again. Tells the helper's page why it went back to view. Left out of the JSON
    /// when `None`, so a session stored before it existed reads the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_stopped_at: Option<Millis>,
}

impl Session {
    /// A new session in Waiting whose code expires `code_ttl_ms` after `now` (usually
    /// [`CODE_TTL_MS`]).
    pub fn new(now: Millis, code_ttl_ms: i64, max_length_ms: Option<i64>) -> Session {
        let expires_at = now.saturating_add(code_ttl_ms);
        Session {
            state: State::Waiting { expires_at },
            created_at: now,
            code_expires_at: expires_at,
            joined_at: None,
            started_at: None,
            ended_at: None,
            max_length_ms,
            highest_mode: None,
            control_stopped_at: None,
        }
    }

    /// Lets time pass to `now`, then applies `event`. Returns the new state, or an error that
    /// says why the event is not legal; on error the state is what time advancement made it
    /// (e.g. Expired), never a half-applied event.
    pub fn apply(&mut self, event: Event, now: Millis) -> Result<State, TransitionError> {
        self.advance(now);
        let next = match (self.state, event) {
            (_, Event::Tick) => return Ok(self.state),
            (State::Waiting { .. }, Event::Join) => {
                self.joined_at = Some(now);
                State::Joined
            }
            (State::Joined, Event::Request { mode }) => State::Requested { mode, active: None },
            (
                State::Active { mode: Mode::View },
                Event::Request {
                    mode: Mode::Control,
                },
            ) => State::Requested {
                mode: Mode::Control,
                active: Some(Mode::View),
            },
            (State::Requested { mode, .. }, Event::Consent { allow: true }) => {
                self.started_at.get_or_insert(now);
                if mode == Mode::Control {
                    self.control_stopped_at = None;
                }
                self.highest_mode = self.highest_mode.max(Some(mode));
                State::Active { mode }
            }
            (
                State::Requested {
                    active: Some(previous),
                    ..
                },
                Event::Consent { allow: false },
            ) => State::Active { mode: previous },
            (State::Requested { active: None, .. }, Event::Consent { allow: false }) => {
                self.ended_at = Some(now);
                State::Denied
            }
            (
                State::Active {
                    mode: Mode::Control,
                },
                Event::StopControl,
            ) => {
                self.control_stopped_at = Some(now);
                State::Active { mode: Mode::View }
            }
            (from, Event::End { reason }) if !from.is_terminal() => {
                self.ended_at = Some(now);
                State::Ended { reason }
            }
            (from, event) => return Err(TransitionError { from, event }),
        };
        self.state = next;
        Ok(next)
    }

    /// Narrows the session to what the helper may still do, after their rights changed while it
    /// ran. `allowed` is the highest mode their roles still allow for this sharer (`None`: not
    /// even view). A mode no longer allowed stops: active control goes on as view when view is
    /// still allowed; an upgrade request no longer allowed is withdrawn (view goes on); a first
    /// request no longer allowed is withdrawn (back to `Joined`); active media that nothing
    /// allows any more ends the session (`access_revoked`). Returns whether the state changed.
    pub fn restrict(&mut self, allowed: Option<Mode>, now: Millis) -> bool {
        self.advance(now);
        let next = match self.state {
            State::Active { mode } if Some(mode) > allowed => match allowed {
                Some(lower) => State::Active { mode: lower },
                None => State::Ended {
                    reason: EndReason::AccessRevoked,
                },
            },
            State::Requested { mode, active } if Some(mode) > allowed => match active {
                Some(previous) if Some(previous) <= allowed => State::Active { mode: previous },
                Some(_) => State::Ended {
                    reason: EndReason::AccessRevoked,
                },
                None => State::Joined,
            },
            _ => return false,
        };
        if next.is_terminal() {
            self.ended_at = Some(now);
        }
        self.state = next;
        true
    }

    /// Applies whatever the passing of time to `now` implies: an expired code, or the maximum
    /// length reached. The terminal time recorded is the deadline itself, not `now`.
    fn advance(&mut self, now: Millis) {
        let Some(deadline) = self.next_deadline() else {
            return;
        };
        if now < deadline {
            return;
        }
        match self.state {
            State::Waiting { .. } => self.state = State::Expired,
            _ => {
                self.state = State::Ended {
                    reason: EndReason::MaxLength,
                }
            }
        }
        self.ended_at = Some(deadline);
    }

    /// The next time at which a [`Event::Tick`] would change the state (code expiry or maximum
    /// length), or `None` if only an event can.
    pub fn next_deadline(&self) -> Option<Millis> {
        match self.state {
            State::Waiting { expires_at } => Some(expires_at),
            state if state.is_live() => {
                let joined_at = self.joined_at?;
                let max = self.max_length_ms?;
                Some(joined_at.saturating_add(max))
            }
            _ => None,
        }
    }

    /// Whether the session is over (Denied, Expired or Ended).
    pub fn is_terminal(&self) -> bool {
        self.state.is_terminal()
    }

    /// The mode media (and, for control, input) may flow in right now: `Active(m)` → `m`,
    /// `Requested` during an upgrade → the mode still streaming, otherwise `None`.
    pub fn active_mode(&self) -> Option<Mode> {
        self.state.active_mode()
    }

    /// The session's mode for views and reports: the mode asked for or active, and once over, the
    /// highest mode that was ever allowed.
    pub fn mode(&self) -> Option<Mode> {
        match self.state {
            State::Requested { mode, .. } | State::Active { mode } => Some(mode),
            _ => self.highest_mode,
        }
    }

    /// Why the session ended, once it has.
    pub fn end_reason(&self) -> Option<EndReason> {
        match self.state {
            State::Ended { reason } => Some(reason),
            _ => None,
        }
    }

    /// Whether control input may be accepted right now: only while the active mode is control.
    pub fn control_allowed(&self) -> bool {
        self.active_mode() == Some(Mode::Control)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_700_000_000_000;
    const MAX: i64 = 60 * 60 * 1000;

    /// Every state, with every variant of its data that matters.
    fn all_states() -> Vec<State> {
        let mut states = vec![
            State::Waiting {
                expires_at: T0 + CODE_TTL_MS,
            },
            State::Joined,
            State::Requested {
                mode: Mode::View,
                active: None,
            },
            State::Requested {
                mode: Mode::Control,
                active: None,
            },
            State::Requested {
                mode: Mode::Control,
                active: Some(Mode::View),
            },
            State::Active { mode: Mode::View },
            State::Active {
                mode: Mode::Control,
            },
            State::Denied,
            State::Expired,
        ];
        states.extend(EndReason::ALL.map(|reason| State::Ended { reason }));
        states
    }

    fn all_events() -> Vec<Event> {
        let mut events = vec![
            Event::Join,
            Event::Request { mode: Mode::View },
            Event::Request {
                mode: Mode::Control,
            },
            Event::Consent { allow: true },
            Event::Consent { allow: false },
            Event::StopControl,
            Event::Tick,
        ];
        events.extend(EndReason::ALL.map(|reason| Event::End { reason }));
        events
    }

    /// The legal transitions, written out by hand from docs/architecture.md independently of
    /// `apply`.
    fn expected(state: State, event: Event) -> Option<State> {
        use Mode::*;
        use State::*;
        let r = |mode, active| Requested { mode, active };
        Some(match (state, event) {
            (s, Event::Tick) => s,
            (Waiting { .. }, Event::Join) => Joined,
            (Joined, Event::Request { mode: View }) => r(View, None),
            (Joined, Event::Request { mode: Control }) => r(Control, None),
            (Active { mode: View }, Event::Request { mode: Control }) => r(Control, Some(View)),
            (
                Requested {
                    mode: View,
                    active: None,
                },
                Event::Consent { allow: true },
            ) => Active { mode: View },
            (
                Requested {
                    mode: Control,
                    active: None,
                },
                Event::Consent { allow: true },
            ) => Active { mode: Control },
            (
                Requested {
                    mode: Control,
                    active: Some(View),
                },
                Event::Consent { allow: true },
            ) => Active { mode: Control },
            (Requested { active: None, .. }, Event::Consent { allow: false }) => Denied,
            (
                Requested {
                    mode: Control,
                    active: Some(View),
                },
                Event::Consent { allow: false },
            ) => Active { mode: View },
            (Active { mode: Control }, Event::StopControl) => Active { mode: View },
            (Waiting { .. } | Joined | Requested { .. } | Active { .. }, Event::End { reason }) => {
                Ended { reason }
            }
            _ => return None,
        })
    }

    /// A session placed in `state` at T0 with the bookkeeping a real run would have left.
    fn session_in(state: State) -> Session {
        let mut s = Session::new(T0, CODE_TTL_MS, Some(MAX));
        s.state = state;
        if !matches!(state, State::Waiting { .. } | State::Expired) {
            s.joined_at = Some(T0);
        }
        if let Some(mode) = state.active_mode() {
            s.started_at = Some(T0);
            s.highest_mode = Some(mode);
        }
        if state.is_terminal() {
            s.ended_at = Some(T0);
        }
        s
    }

    #[test]
    fn every_state_event_pair() {
        let now = T0 + 1_000; // no deadline has passed
        let mut legal = 0;
        let mut illegal = 0;
        for state in all_states() {
            for event in all_events() {
                let mut session = session_in(state);
                let before = session.clone();
                let result = session.apply(event, now);
                match expected(state, event) {
                    Some(next) => {
                        legal += 1;
                        assert_eq!(result, Ok(next), "{state:?} + {event:?}");
                        assert_eq!(session.state, next, "{state:?} + {event:?}");
                    }
                    None => {
                        illegal += 1;
                        let err = result.expect_err(&format!("{state:?} + {event:?} must fail"));
                        assert_eq!(
                            session, before,
                            "{state:?} + {event:?} must not change the session"
                        );
                        assert_eq!(err.from, state);
                        assert_eq!(err.event, event);
                        let want_code = match (state, event) {
                            (State::Expired, _) => "expired",
                            (State::Denied | State::Ended { .. }, _) => "already_ended",
                            (State::Requested { .. }, Event::Request { .. }) => "request_pending",
                            (State::Active { .. }, Event::Request { .. }) => "mode_not_allowed",
                            _ => "invalid_transition",
                        };
                        assert_eq!(err.code(), want_code, "{state:?} + {event:?}");
                        let msg = err.to_string();
                        assert!(msg.starts_with("cannot "), "{msg}");
                        assert!(msg.contains(state.name().as_str()), "{msg}");
                    }
                }
            }
        }
        // 17 states × 15 events. Legal: 17 ticks, 1 join, 3 requests, 3 requested states × 2
        // answers, 1 stop of control, 7 waiting-or-live states × 8 end reasons.
        assert_eq!(legal + illegal, 17 * 15);
        assert_eq!(legal, 17 + 1 + 3 + 3 * 2 + 1 + 7 * 8);
    }

    #[test]
    fn error_messages_are_specific() {
        let msg = |state, event| {
            let mut s = session_in(state);
            s.apply(event, T0 + 1).unwrap_err().to_string()
        };
        assert_eq!(
            msg(State::Joined, Event::Consent { allow: true }),
            "cannot allow while the session is joined: nothing is waiting for consent"
        );
        assert_eq!(
            msg(
                State::Active {
                    mode: Mode::Control
                },
                Event::Request { mode: Mode::View }
            ),
            "cannot request view while the session is active (control): full control is active; it cannot be reduced to view only"
        );
        assert_eq!(
            msg(
                State::Active { mode: Mode::View },
                Event::Request { mode: Mode::View }
            ),
            "cannot request view while the session is active (view): that mode is already active"
        );
        assert_eq!(
            msg(State::Expired, Event::Join),
            "cannot join while the session is expired: the security code has expired; start a new session"
        );
        assert_eq!(
            msg(
                State::Waiting {
                    expires_at: T0 + CODE_TTL_MS
                },
                Event::Request { mode: Mode::View }
            ),
            "cannot request view while the session is waiting: nobody has joined yet"
        );
    }

    #[test]
    fn happy_path_records_times() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        assert_eq!(
            s.state,
            State::Waiting {
                expires_at: T0 + CODE_TTL_MS
            }
        );
        assert_eq!(s.code_expires_at, T0 + CODE_TTL_MS);
        assert_eq!(s.apply(Event::Join, T0 + 10), Ok(State::Joined));
        assert_eq!(s.joined_at, Some(T0 + 10));
        assert_eq!(s.active_mode(), None);
        s.apply(Event::Request { mode: Mode::View }, T0 + 20)
            .unwrap();
        assert_eq!(s.mode(), Some(Mode::View));
        assert_eq!(s.active_mode(), None);
        s.apply(Event::Consent { allow: true }, T0 + 30).unwrap();
        assert_eq!(s.started_at, Some(T0 + 30));
        assert_eq!(s.active_mode(), Some(Mode::View));
        assert!(!s.control_allowed());
        assert_eq!(s.highest_mode, Some(Mode::View));

        // Upgrade: view goes on while the sharer decides.
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 40,
        )
        .unwrap();
        assert_eq!(s.active_mode(), Some(Mode::View));
        assert!(!s.control_allowed());
        assert_eq!(s.mode(), Some(Mode::Control));
        // Deny: back to view, nothing else changes.
        assert_eq!(
            s.apply(Event::Consent { allow: false }, T0 + 50),
            Ok(State::Active { mode: Mode::View })
        );
        assert_eq!(s.ended_at, None);
        assert_eq!(s.highest_mode, Some(Mode::View));
        // Ask again, allow.
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 60,
        )
        .unwrap();
        s.apply(Event::Consent { allow: true }, T0 + 70).unwrap();
        assert!(s.control_allowed());
        assert_eq!(
            s.started_at,
            Some(T0 + 30),
            "started_at is the first Active"
        );
        assert_eq!(s.highest_mode, Some(Mode::Control));

        s.apply(
            Event::End {
                reason: EndReason::SharerEnded,
            },
            T0 + 80,
        )
        .unwrap();
        assert_eq!(s.ended_at, Some(T0 + 80));
        assert_eq!(s.end_reason(), Some(EndReason::SharerEnded));
        assert!(s.is_terminal());
        assert!(!s.control_allowed());
        assert_eq!(s.active_mode(), None);
        assert_eq!(s.mode(), Some(Mode::Control));
        assert_eq!(s.next_deadline(), None);
    }

    #[test]
    fn denied_records_end_time() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        s.apply(Event::Join, T0 + 1).unwrap();
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 2,
        )
        .unwrap();
        assert_eq!(
            s.apply(Event::Consent { allow: false }, T0 + 3),
            Ok(State::Denied)
        );
        assert_eq!(s.ended_at, Some(T0 + 3));
        assert_eq!(s.started_at, None);
        assert_eq!(s.highest_mode, None);
        assert_eq!(s.mode(), None);
    }

    #[test]
    fn helper_can_cancel_while_waiting() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        s.apply(
            Event::End {
                reason: EndReason::HelperEnded,
            },
            T0 + 5,
        )
        .unwrap();
        assert_eq!(
            s.state,
            State::Ended {
                reason: EndReason::HelperEnded
            }
        );
        assert_eq!(s.ended_at, Some(T0 + 5));
        assert_eq!(s.joined_at, None);
    }

    #[test]
    fn code_expires_exactly_at_expires_at() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        assert_eq!(s.next_deadline(), Some(T0 + CODE_TTL_MS));
        assert_eq!(
            s.apply(Event::Tick, T0 + CODE_TTL_MS - 1),
            Ok(State::Waiting {
                expires_at: T0 + CODE_TTL_MS
            })
        );
        assert_eq!(s.apply(Event::Tick, T0 + CODE_TTL_MS), Ok(State::Expired));
        assert_eq!(s.ended_at, Some(T0 + CODE_TTL_MS));
        assert_eq!(s.next_deadline(), None);
    }

    #[test]
    fn join_one_millisecond_before_expiry_succeeds_and_at_expiry_fails() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        assert_eq!(
            s.apply(Event::Join, T0 + CODE_TTL_MS - 1),
            Ok(State::Joined)
        );

        let mut s = Session::new(T0, CODE_TTL_MS, None);
        let err = s.apply(Event::Join, T0 + CODE_TTL_MS).unwrap_err();
        assert_eq!(err.code(), "expired");
        assert_eq!(
            s.state,
            State::Expired,
            "time advancement sticks even though the event failed"
        );
        assert_eq!(s.ended_at, Some(T0 + CODE_TTL_MS));
    }

    #[test]
    fn late_tick_records_the_deadline_not_the_tick() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        s.apply(Event::Tick, T0 + 3 * CODE_TTL_MS).unwrap();
        assert_eq!(s.ended_at, Some(T0 + CODE_TTL_MS));
    }

    #[test]
    fn joined_session_no_longer_expires() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        s.apply(Event::Join, T0 + 1).unwrap();
        assert_eq!(s.next_deadline(), None);
        assert_eq!(
            s.apply(Event::Tick, T0 + 100 * CODE_TTL_MS),
            Ok(State::Joined)
        );
    }

    #[test]
    fn max_length_ends_every_live_state() {
        for target in [
            State::Joined,
            State::Requested {
                mode: Mode::View,
                active: None,
            },
            State::Requested {
                mode: Mode::Control,
                active: Some(Mode::View),
            },
            State::Active { mode: Mode::View },
            State::Active {
                mode: Mode::Control,
            },
        ] {
            let mut s = session_in(target);
            s.joined_at = Some(T0 + 500);
            assert_eq!(s.next_deadline(), Some(T0 + 500 + MAX), "{target:?}");
            assert_eq!(s.apply(Event::Tick, T0 + 499 + MAX), Ok(target));
            assert_eq!(
                s.apply(Event::Tick, T0 + 500 + MAX),
                Ok(State::Ended {
                    reason: EndReason::MaxLength
                }),
                "{target:?}"
            );
            assert_eq!(s.ended_at, Some(T0 + 500 + MAX));
            assert!(!s.control_allowed());
        }
    }

    #[test]
    fn event_after_max_length_fails_with_already_ended() {
        let mut s = Session::new(T0, CODE_TTL_MS, Some(MAX));
        s.apply(Event::Join, T0).unwrap();
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 1,
        )
        .unwrap();
        s.apply(Event::Consent { allow: true }, T0 + 2).unwrap();
        let err = s
            .apply(
                Event::End {
                    reason: EndReason::HelperEnded,
                },
                T0 + MAX,
            )
            .unwrap_err();
        assert_eq!(err.code(), "already_ended");
        assert_eq!(s.end_reason(), Some(EndReason::MaxLength));
        assert_eq!(s.ended_at, Some(T0 + MAX));
    }

    #[test]
    fn no_max_length_means_no_deadline_once_joined() {
        let mut s = Session::new(T0, CODE_TTL_MS, None);
        s.apply(Event::Join, T0).unwrap();
        s.apply(Event::Request { mode: Mode::View }, T0).unwrap();
        s.apply(Event::Consent { allow: true }, T0).unwrap();
        assert_eq!(s.next_deadline(), None);
        assert_eq!(
            s.apply(Event::Tick, i64::MAX),
            Ok(State::Active { mode: Mode::View })
        );
    }

    #[test]
    fn huge_inputs_do_not_overflow() {
        let mut s = Session::new(i64::MAX - 1, i64::MAX, Some(i64::MAX));
        assert_eq!(s.next_deadline(), Some(i64::MAX));
        s.apply(Event::Join, i64::MAX - 1).unwrap();
        assert_eq!(s.next_deadline(), Some(i64::MAX));
    }

    #[test]
    fn stop_control_goes_back_to_view_and_is_cleared_by_a_new_allow() {
        let mut s = session_in(State::Active {
            mode: Mode::Control,
        });
        assert_eq!(
            s.apply(Event::StopControl, T0 + 5),
            Ok(State::Active { mode: Mode::View })
        );
        assert!(!s.control_allowed());
        assert_eq!(s.control_stopped_at, Some(T0 + 5));
        // Still a control session in reports: control was allowed once.
        assert_eq!(s.highest_mode, Some(Mode::Control));
        let again = s.apply(Event::StopControl, T0 + 6).unwrap_err();
        assert_eq!(again.code(), "invalid_transition");
        assert!(again.message().contains("does not control"), "{again}");
        // The helper asks again; a denial keeps the mark, an allow clears it.
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 7,
        )
        .unwrap();
        s.apply(Event::Consent { allow: false }, T0 + 8).unwrap();
        assert_eq!(s.control_stopped_at, Some(T0 + 5));
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 9,
        )
        .unwrap();
        s.apply(Event::Consent { allow: true }, T0 + 10).unwrap();
        assert_eq!(s.control_stopped_at, None);
        assert!(s.control_allowed());
    }

    #[test]
    fn control_allowed_only_in_active_control() {
        for state in all_states() {
            let s = session_in(state);
            assert_eq!(
                s.control_allowed(),
                state
                    == State::Active {
                        mode: Mode::Control
                    },
                "{state:?}"
            );
        }
    }

    #[test]
    fn active_mode_table() {
        for state in all_states() {
            let want = match state {
                State::Active { mode } => Some(mode),
                State::Requested { active, .. } => active,
                _ => None,
            };
            assert_eq!(state.active_mode(), want);
        }
    }

    #[test]
    fn who_may_send_what() {
        use Role::*;
        let table: [(Event, bool, bool); 13] = [
            (Event::Join, false, true),
            (Event::StopControl, false, true),
            (Event::Request { mode: Mode::View }, true, false),
            (
                Event::Request {
                    mode: Mode::Control,
                },
                true,
                false,
            ),
            (Event::Consent { allow: true }, false, true),
            (Event::Consent { allow: false }, false, true),
            (
                Event::End {
                    reason: EndReason::HelperEnded,
                },
                true,
                false,
            ),
            (
                Event::End {
                    reason: EndReason::SharerEnded,
                },
                false,
                true,
            ),
            (
                Event::End {
                    reason: EndReason::HelperLeft,
                },
                true,
                false,
            ),
            (
                Event::End {
                    reason: EndReason::SharerLeft,
                },
                false,
                true,
            ),
            (
                Event::End {
                    reason: EndReason::HelperLost,
                },
                false,
                false,
            ),
            (
                Event::End {
                    reason: EndReason::MaxLength,
                },
                false,
                false,
            ),
            (Event::Tick, false, false),
        ];
        for (event, helper, sharer) in table {
            assert_eq!(event.may_be_sent_by(Helper), helper, "{event:?}");
            assert_eq!(event.may_be_sent_by(Sharer), sharer, "{event:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for name in StateName::ALL {
            assert_eq!(name.as_str().parse::<StateName>(), Ok(name));
            assert_eq!(serde_json::to_string(&name).unwrap(), format!("\"{name}\""));
        }
        for reason in EndReason::ALL {
            assert_eq!(reason.as_str().parse::<EndReason>(), Ok(reason));
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{reason}\"")
            );
        }
        for mode in [Mode::View, Mode::Control] {
            assert_eq!(mode.as_str().parse::<Mode>(), Ok(mode));
            assert_eq!(serde_json::to_string(&mode).unwrap(), format!("\"{mode}\""));
        }
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
            assert_eq!(role.peer().peer(), role);
            assert_eq!(EndReason::ended_by(role).role(), Some(role));
            assert_eq!(EndReason::left(role).role(), Some(role));
            assert_eq!(EndReason::lost(role).role(), Some(role));
        }
        assert_eq!(EndReason::MaxLength.role(), None);
        let err = "Waiting".parse::<StateName>().unwrap_err();
        assert_eq!(err.to_string(), "unknown state \"Waiting\"");
        assert!("VIEW".parse::<Mode>().is_err());
    }

    #[test]
    fn state_name_matches_serde_and_terminality() {
        for state in all_states() {
            assert_eq!(
                state.is_terminal(),
                matches!(state, State::Denied | State::Expired | State::Ended { .. })
            );
            assert_eq!(
                state.is_live(),
                !state.is_terminal() && !matches!(state, State::Waiting { .. })
            );
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json["name"], state.name().as_str());
        }
    }

    #[test]
    fn session_persists_as_json() {
        let mut s = Session::new(T0, CODE_TTL_MS, Some(MAX));
        s.apply(Event::Join, T0 + 1).unwrap();
        s.apply(
            Event::Request {
                mode: Mode::Control,
            },
            T0 + 2,
        )
        .unwrap();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "state": {"name": "requested", "mode": "control", "active": null},
                "created_at": T0,
                "code_expires_at": T0 + CODE_TTL_MS,
                "joined_at": T0 + 1,
                "started_at": null,
                "ended_at": null,
                "max_length_ms": MAX,
                "highest_mode": null
            })
        );
        let back: Session = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
        for state in all_states() {
            let s = session_in(state);
            let back: Session = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn restrict_stops_only_what_is_no_longer_allowed() {
        let active = |mode| State::Active { mode };
        let requested = |mode, active| State::Requested { mode, active };
        let revoked = State::Ended {
            reason: EndReason::AccessRevoked,
        };
        let cases = [
            (
                active(Mode::Control),
                Some(Mode::Control),
                active(Mode::Control),
            ),
            (active(Mode::Control), Some(Mode::View), active(Mode::View)),
            (active(Mode::Control), None, revoked),
            (active(Mode::View), Some(Mode::View), active(Mode::View)),
            (active(Mode::View), None, revoked),
            (
                requested(Mode::Control, Some(Mode::View)),
                Some(Mode::View),
                active(Mode::View),
            ),
            (requested(Mode::Control, Some(Mode::View)), None, revoked),
            (
                requested(Mode::Control, None),
                Some(Mode::View),
                State::Joined,
            ),
            (requested(Mode::View, None), None, State::Joined),
            (
                requested(Mode::View, None),
                Some(Mode::View),
                requested(Mode::View, None),
            ),
            (State::Joined, None, State::Joined),
        ];
        for (from, allowed, want) in cases {
            let mut s = Session::new(T0, CODE_TTL_MS, Some(MAX));
            s.state = from;
            s.joined_at = Some(T0);
            let changed = s.restrict(allowed, T0 + 1);
            assert_eq!(s.state, want, "{from:?} with {allowed:?}");
            assert_eq!(changed, from != want, "{from:?} with {allowed:?}");
            assert_eq!(s.ended_at.is_some(), want.is_terminal());
        }
    }
}
