//! The sharer's keyboard map as the core protocol shows it: which keycode and shift level give a
//! keysym, which keycodes are Shift, and spare keycodes to map missing keysyms onto.
//!
//! Only the first group's two core levels (plain and Shift) are searched; a keysym found nowhere
//! else, or only behind AltGr or in another group, is typed through a spare keycode (one with no
//! keysym at all) remapped to it: the technique xdotool uses. Remapped spares stay mapped until
//! [`Keymap::restore`] (release-all, or the injector's end) so that a client which looks the
//! mapping up late still sees it; they are reused least recently used first, and never sooner than
//! [`SPARE_REUSE_DELAY`] after their last use.

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt as _;
use xkeysym::Keysym;

use crate::InputError;

/// Shortest time between two different keysyms on the same spare keycode, so that clients have
/// handled the key event before the mapping under it changes.
pub(super) const SPARE_REUSE_DELAY: Duration = Duration::from_millis(30);

const NO_SYMBOL: u32 = 0;

/// The shift level a keysym sits at on its keycode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// No modifier.
    Base,
    /// With Shift.
    Shift,
}

/// A keycode that had no keysym, free for remapping.
#[derive(Debug)]
struct Spare {
    keycode: u8,
    /// What this injector mapped onto it, if anything.
    keysym: Option<u32>,
    last_used: Option<Instant>,
}

/// A copy of the server's keyboard and modifier mappings.
#[derive(Debug)]
pub(super) struct Keymap {
    min: u8,
    max: u8,
    per: usize,
    syms: Vec<u32>,
    shift_keycodes: Vec<u8>,
    spares: Vec<Spare>,
}

impl Keymap {
    /// Reads the server's mappings.
    pub(super) fn load(conn: &impl Connection) -> Result<Keymap, InputError> {
        let setup = conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let mut keymap = Keymap {
            min,
            max,
            per: 0,
            syms: Vec::new(),
            shift_keycodes: Vec::new(),
            spares: Vec::new(),
        };
        keymap.refresh(conn)?;
        Ok(keymap)
    }

    /// Reads the mappings again (after a MappingNotify), keeping track of the spares this injector
    /// has mapped as long as the new mapping still has them.
    pub(super) fn refresh(&mut self, conn: &impl Connection) -> Result<(), InputError> {
        let count = self.max.saturating_sub(self.min).saturating_add(1);
        let mapping = conn.get_keyboard_mapping(self.min, count)?.reply()?;
        let per = usize::from(mapping.keysyms_per_keycode);
        if per == 0 || mapping.keysyms.len() != per * usize::from(count) {
            return Err(InputError::Protocol(
                "keyboard mapping reply of an unexpected size".into(),
            ));
        }
        self.per = per;
        self.syms = mapping.keysyms;
        let modifiers = conn.get_modifier_mapping()?.reply()?;
        let per_modifier = usize::from(modifiers.keycodes_per_modifier());
        // The first row of the modifier map is Shift.
        self.shift_keycodes = modifiers
            .keycodes
            .iter()
            .take(per_modifier)
            .copied()
            .filter(|&k| k != 0)
            .collect();

        let old = std::mem::take(&mut self.spares);
        for keycode in self.min..=self.max {
            let row = self.row(keycode);
            let ours = old.iter().find(|s| {
                s.keycode == keycode && s.keysym.is_some_and(|k| row.first() == Some(&k))
            });
            if let Some(spare) = ours {
                self.spares.push(Spare {
                    keycode,
                    keysym: spare.keysym,
                    last_used: spare.last_used,
                });
            } else if row.iter().all(|&s| s == NO_SYMBOL) {
                self.spares.push(Spare {
                    keycode,
                    keysym: None,
                    last_used: old
                        .iter()
                        .find(|s| s.keycode == keycode)
                        .and_then(|s| s.last_used),
                });
            }
        }
        Ok(())
    }

    /// The keysyms of `keycode`, every column.
    fn row(&self, keycode: u8) -> &[u32] {
        if keycode < self.min || keycode > self.max {
            return &[];
        }
        let start = usize::from(keycode - self.min) * self.per;
        self.syms.get(start..start + self.per).unwrap_or(&[])
    }

    /// The keysyms `keycode` gives without and with Shift, by the core protocol's rules (a lone
    /// letter stands for its lower and upper case).
    pub(super) fn levels(&self, keycode: u8) -> (u32, u32) {
        let row = self.row(keycode);
        let first = row.first().copied().unwrap_or(NO_SYMBOL);
        let second = row.get(1).copied().unwrap_or(NO_SYMBOL);
        if second != NO_SYMBOL {
            return (first, second);
        }
        if let Some(c) = Keysym::new(first).key_char() {
            let (mut lower, mut upper) = (c.to_lowercase(), c.to_uppercase());
            if let (Some(l), None, Some(u), None) =
                (lower.next(), lower.next(), upper.next(), upper.next())
                && l != u
            {
                return (Keysym::from_char(l).raw(), Keysym::from_char(u).raw());
            }
        }
        (first, first)
    }

    /// Whether Caps Lock changes what `keycode` types (a letter with both cases).
    pub(super) fn is_alphabetic(&self, keycode: u8) -> bool {
        let (base, shifted) = self.levels(keycode);
        match (
            Keysym::new(base).key_char(),
            Keysym::new(shifted).key_char(),
        ) {
            (Some(b), Some(s)) => b != s && b.is_lowercase() && s.is_uppercase(),
            _ => false,
        }
    }

    /// The keycode and level that type `keysym`, preferring no Shift.
    pub(super) fn find(&self, keysym: Keysym) -> Option<(u8, Level)> {
        let raw = keysym.raw();
        if raw == NO_SYMBOL {
            return None;
        }
        let mut shifted = None;
        for keycode in self.min..=self.max {
            let (base, upper) = self.levels(keycode);
            if base == raw {
                return Some((keycode, Level::Base));
            }
            if upper == raw && shifted.is_none() {
                shifted = Some((keycode, Level::Shift));
            }
        }
        shifted
    }

    /// A keycode that is Shift, to press when a character needs it.
    pub(super) fn shift_keycode(&self) -> Option<u8> {
        self.shift_keycodes.first().copied()
    }

    /// The keycodes that are Shift.
    pub(super) fn shift_keycodes(&self) -> &[u8] {
        &self.shift_keycodes
    }

    /// Whether `keycode` is one of the spares (so a MappingNotify for it alone is our own doing).
    pub(super) fn is_spare(&self, keycode: u8) -> bool {
        self.spares.iter().any(|s| s.keycode == keycode)
    }

    /// Notes that `keycode` was just pressed or released (for the reuse delay of spares).
    pub(super) fn touch(&mut self, keycode: u8) {
        if let Some(spare) = self.spares.iter_mut().find(|s| s.keycode == keycode) {
            spare.last_used = Some(Instant::now());
        }
    }

    /// Maps `keysym` onto a spare keycode (both levels) and returns it; `None` when every spare is
    /// held down (`busy`) or there are none.
    pub(super) fn map_spare(
        &mut self,
        conn: &impl Connection,
        keysym: Keysym,
        busy: impl Fn(u8) -> bool,
    ) -> Result<Option<u8>, InputError> {
        let Some(index) = self
            .spares
            .iter()
            .enumerate()
            .filter(|(_, s)| !busy(s.keycode))
            .min_by_key(|(_, s)| (s.keysym.is_some(), s.last_used))
            .map(|(i, _)| i)
        else {
            return Ok(None);
        };
        if let Some(last) = self.spares[index].last_used {
            let since = last.elapsed();
            if since < SPARE_REUSE_DELAY {
                std::thread::sleep(SPARE_REUSE_DELAY - since);
            }
        }
        let keycode = self.spares[index].keycode;
        let raw = keysym.raw();
        conn.change_keyboard_mapping(1, keycode, 2, &[raw, raw])?;
        self.set_row(keycode, raw);
        self.spares[index].keysym = Some(raw);
        self.spares[index].last_used = Some(Instant::now());
        Ok(Some(keycode))
    }

    /// Gives every spare this injector mapped its emptiness back.
    pub(super) fn restore(&mut self, conn: &impl Connection) -> Result<(), InputError> {
        for i in 0..self.spares.len() {
            if self.spares[i].keysym.take().is_some() {
                let keycode = self.spares[i].keycode;
                conn.change_keyboard_mapping(1, keycode, 2, &[NO_SYMBOL, NO_SYMBOL])?;
                self.set_row(keycode, NO_SYMBOL);
            }
        }
        Ok(())
    }

    /// Updates the local copy after remapping `keycode` to `raw` on both core levels.
    fn set_row(&mut self, keycode: u8, raw: u32) {
        if keycode < self.min || keycode > self.max {
            return;
        }
        let start = usize::from(keycode - self.min) * self.per;
        if let Some(row) = self.syms.get_mut(start..start + self.per) {
            for (i, s) in row.iter_mut().enumerate() {
                *s = if i < 2 { raw } else { NO_SYMBOL };
            }
        }
    }
}
