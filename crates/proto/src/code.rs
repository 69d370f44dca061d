//! Security codes: the 8 characters a helper reads out to a sharer.
//!
//! A code is drawn from the operating system's CSPRNG over [`CODE_ALPHABET`], an alphabet of 31
//! characters without look-alikes (no `0`/`o`, no `1`/`l`/`i`), so a code carries
//! `8 × log2(31) ≈ 39.6` bits. It is kept in lower case, shown grouped (`4k7m r9gx`) and accepted
//! back in any case, with spaces or dashes anywhere, and with full-width characters typed by an
//! input method (they are folded to ASCII by Unicode compatibility normalisation).
//!
//! This module only makes and parses codes. Hashing, one-time use, expiry and rate limiting of
//! wrong guesses belong to the server.

use std::fmt;
use std::str::FromStr;

use rand::rngs::OsRng;
use rand::{CryptoRng, Rng, TryRngCore};
use unicode_normalization::UnicodeNormalization;

/// The characters a security code is made of, in lower case: digits and letters without the
/// look-alikes `0`, `o`, `1`, `l` and `i`.
pub const CODE_ALPHABET: &str = "23456789abcdefghjkmnpqrstuvwxyz";

/// The number of characters in a security code.
pub const CODE_LEN: usize = 8;

/// Where [`SecurityCode::grouped`] puts its space: after the first half.
const GROUP_LEN: usize = CODE_LEN / 2;

/// A well-formed security code, normalised to lower case without separators.
///
/// `Debug` hides all but the first character so that a code does not end up in logs by accident;
/// `Display` shows the grouped form meant for people.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SecurityCode(String);

/// Why a string is not a security code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Nothing but spaces and dashes was given.
    #[error("enter the {CODE_LEN}-character security code")]
    Empty,
    /// The code has the wrong number of characters (separators not counted).
    #[error("a security code has {CODE_LEN} characters, this one has {found}")]
    WrongLength {
        /// How many characters were found, separators not counted.
        found: usize,
    },
    /// A character that never appears in a security code.
    #[error(
        "{ch:?} does not appear in security codes (they use {CODE_ALPHABET}; 0, o, 1, l and i are never used)"
    )]
    InvalidCharacter {
        /// The offending character, as given.
        ch: char,
    },
}

impl CodeError {
    /// A stable, machine-readable code for this error, for JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            CodeError::Empty => "code_empty",
            CodeError::WrongLength { .. } => "code_wrong_length",
            CodeError::InvalidCharacter { .. } => "code_invalid_character",
        }
    }
}

/// Whether `ch` is a separator people put into codes: white space or a dash of any kind.
fn is_separator(ch: char) -> bool {
    ch.is_whitespace() || matches!(ch, '-' | '_' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

impl SecurityCode {
    /// Draws a new code from the operating system's CSPRNG.
    ///
    /// Panics only if the operating system cannot provide random bytes at all: a server that
    /// cannot draw secrets must not hand out guessable ones.
    pub fn generate() -> SecurityCode {
        // `unwrap_err` turns an OS RNG failure into a panic; see the doc comment for why.
        let mut rng = OsRng.unwrap_err();
        SecurityCode::generate_with(&mut rng)
    }

    /// Draws a new code from the given cryptographically secure generator. Each character is
    /// chosen uniformly (rejection sampling, no modulo bias).
    pub fn generate_with<R: CryptoRng + ?Sized>(rng: &mut R) -> SecurityCode {
        let alphabet = CODE_ALPHABET.as_bytes();
        let code = (0..CODE_LEN)
            .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
            .collect();
        SecurityCode(code)
    }

    /// Parses a code as a person typed it: any case, spaces or dashes anywhere, full-width forms.
    pub fn parse(input: &str) -> Result<SecurityCode, CodeError> {
        let mut code = String::with_capacity(CODE_LEN);
        let mut found = 0usize;
        let mut bad = None;
        for ch in input.nfkc() {
            if is_separator(ch) {
                continue;
            }
            found += 1;
            let lower = ch.to_ascii_lowercase();
            if CODE_ALPHABET.contains(lower) && lower.is_ascii() {
                if found <= CODE_LEN {
                    code.push(lower);
                }
            } else if bad.is_none() {
                bad = Some(ch);
            }
        }
        if found == 0 {
            return Err(CodeError::Empty);
        }
        if let Some(ch) = bad {
            return Err(CodeError::InvalidCharacter { ch });
        }
        if found != CODE_LEN {
            return Err(CodeError::WrongLength { found });
        }
        Ok(SecurityCode(code))
    }

    /// The code in its canonical form: 8 lower-case characters, no separator (`4k7mr9gx`).
    /// This is the form to hash and compare.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as shown to people: two groups of four separated by a space (`4k7m r9gx`).
    pub fn grouped(&self) -> String {
        let (first, second) = self.0.split_at(GROUP_LEN);
        format!("{first} {second}")
    }
}

impl fmt::Display for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl fmt::Debug for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.0.get(..1).unwrap_or_default();
        write!(f, "SecurityCode({first}*******)")
    }
}

impl FromStr for SecurityCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SecurityCode::parse(s)
    }
}

impl TryFrom<String> for SecurityCode {
    type Error = CodeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        SecurityCode::parse(&value)
    }
}

impl From<SecurityCode> for String {
    fn from(code: SecurityCode) -> String {
        code.0
    }
}

impl AsRef<str> for SecurityCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn alphabet_has_no_look_alikes_and_no_duplicates() {
        for ch in ['0', 'o', '1', 'l', 'i'] {
            assert!(!CODE_ALPHABET.contains(ch), "{ch} is a look-alike");
        }
        let set: HashSet<char> = CODE_ALPHABET.chars().collect();
        assert_eq!(set.len(), CODE_ALPHABET.len());
        assert_eq!(CODE_ALPHABET.len(), 31);
        assert!(
            CODE_ALPHABET
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
    }

    #[test]
    fn generated_codes_are_well_formed_and_distinct() {
        let mut seen = HashSet::new();
        for _ in 0..1_000 {
            let code = SecurityCode::generate();
            assert_eq!(code.as_str().len(), CODE_LEN);
            assert!(code.as_str().chars().all(|c| CODE_ALPHABET.contains(c)));
            assert_eq!(SecurityCode::parse(code.as_str()).as_ref(), Ok(&code));
            assert_eq!(SecurityCode::parse(&code.grouped()).as_ref(), Ok(&code));
            assert!(
                seen.insert(code),
                "31^8 codes: a repeat in 1,000 draws is a broken RNG"
            );
        }
    }

    /// Chi-squared test of character frequencies over many draws. With 30 degrees of freedom the
    /// statistic exceeds 80 with probability about 2e-6, so a failure means bias, not bad luck.
    fn chi_squared(codes: impl Iterator<Item = SecurityCode>) -> (f64, HashMap<char, u64>) {
        let mut counts: HashMap<char, u64> = HashMap::new();
        let mut total = 0u64;
        for code in codes {
            for ch in code.as_str().chars() {
                *counts.entry(ch).or_default() += 1;
                total += 1;
            }
        }
        let expected = total as f64 / CODE_ALPHABET.len() as f64;
        let chi2 = CODE_ALPHABET
            .chars()
            .map(|c| {
                let observed = counts.get(&c).copied().unwrap_or(0) as f64;
                (observed - expected).powi(2) / expected
            })
            .sum();
        (chi2, counts)
    }

    #[test]
    fn distribution_is_uniform_with_a_seeded_generator() {
        let mut rng = StdRng::seed_from_u64(0x5eed);
        let (chi2, counts) =
            chi_squared((0..20_000).map(|_| SecurityCode::generate_with(&mut rng)));
        assert_eq!(counts.len(), CODE_ALPHABET.len(), "every character appears");
        assert!(chi2 < 80.0, "chi-squared {chi2} too large: {counts:?}");
    }

    #[test]
    fn distribution_is_uniform_with_the_os_generator() {
        let (chi2, counts) = chi_squared((0..20_000).map(|_| SecurityCode::generate()));
        assert_eq!(counts.len(), CODE_ALPHABET.len());
        assert!(chi2 < 80.0, "chi-squared {chi2} too large: {counts:?}");
    }

    #[test]
    fn every_position_uses_the_whole_alphabet() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut per_position = vec![HashSet::new(); CODE_LEN];
        for _ in 0..2_000 {
            let code = SecurityCode::generate_with(&mut rng);
            for (i, ch) in code.as_str().chars().enumerate() {
                per_position[i].insert(ch);
            }
        }
        for (i, set) in per_position.iter().enumerate() {
            assert_eq!(set.len(), CODE_ALPHABET.len(), "position {i}");
        }
    }

    #[test]
    fn parses_what_people_type() {
        let canonical = "4k7mr9gx";
        for input in [
            "4k7mr9gx",
            "4K7MR9GX",
            "4k7m r9gx",
            "4K7M-R9GX",
            " 4k7m r9gx ",
            "4k7m  -  r9gx",
            "4-k-7-m-r-9-g-x",
            "\t4k7m\nr9gx\r\n",
            "4k7m\u{2013}r9gx",   // en dash
            "4k7m\u{00a0}r9gx",   // no-break space
            "４ｋ７ｍ　ｒ９ｇｘ", // full-width, ideographic space
            "4k7m_r9gx",
            "4k7m.r9gx",
        ] {
            let code = SecurityCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(code.as_str(), canonical, "{input:?}");
        }
    }

    #[test]
    fn grouped_and_display() {
        let code = SecurityCode::parse("4K7MR9GX").unwrap();
        assert_eq!(code.grouped(), "4k7m r9gx");
        assert_eq!(code.to_string(), "4k7m r9gx");
        assert_eq!(code.as_str(), "4k7mr9gx");
        assert_eq!(format!("{code:?}"), "SecurityCode(4*******)");
        assert_eq!("4k7m-r9gx".parse::<SecurityCode>(), Ok(code));
    }

    #[test]
    fn rejects_wrong_length() {
        for (input, found) in [
            ("4k7m", 4),
            ("4k7mr9g", 7),
            ("4k7mr9gxx", 9),
            ("4k7m r9gx 4k7m r9gx", 16),
        ] {
            let err = SecurityCode::parse(input).unwrap_err();
            assert_eq!(err, CodeError::WrongLength { found }, "{input:?}");
            assert_eq!(err.code(), "code_wrong_length");
            assert!(err.to_string().contains("8 characters"), "{err}");
        }
    }

    #[test]
    fn rejects_empty() {
        for input in ["", " ", " - - ", "\n"] {
            let err = SecurityCode::parse(input).unwrap_err();
            assert_eq!(err, CodeError::Empty, "{input:?}");
            assert_eq!(err.code(), "code_empty");
        }
    }

    #[test]
    fn rejects_characters_outside_the_alphabet() {
        for (input, ch) in [
            ("4k7mr9g0", '0'),
            ("4k7mr9go", 'o'),
            ("4k7mr9gO", 'O'),
            ("1k7mr9gx", '1'),
            ("4l7mr9gx", 'l'),
            ("4k7mi9gx", 'i'),
            ("4k7mr9g!", '!'),
            ("4k7mr9gé", 'é'),
            ("4k7mr9g中", '中'),
            ("4k7mr9g\u{202e}", '\u{202e}'),
        ] {
            let err = SecurityCode::parse(input).unwrap_err();
            assert_eq!(err, CodeError::InvalidCharacter { ch }, "{input:?}");
            assert_eq!(err.code(), "code_invalid_character");
        }
        // A bad character is reported even when the length is also wrong.
        assert_eq!(
            SecurityCode::parse("0").unwrap_err(),
            CodeError::InvalidCharacter { ch: '0' }
        );
    }

    #[test]
    fn every_alphabet_character_parses_in_both_cases() {
        for ch in CODE_ALPHABET.chars() {
            let lower: String = std::iter::repeat_n(ch, CODE_LEN).collect();
            let upper = lower.to_ascii_uppercase();
            assert_eq!(SecurityCode::parse(&lower).unwrap().as_str(), lower);
            assert_eq!(SecurityCode::parse(&upper).unwrap().as_str(), lower);
        }
    }

    #[test]
    fn serde_uses_the_canonical_form_and_validates() {
        let code = SecurityCode::parse("4k7m r9gx").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"4k7mr9gx\"");
        let back: SecurityCode = serde_json::from_str("\"4K7M-R9GX\"").unwrap();
        assert_eq!(back, code);
        assert!(serde_json::from_str::<SecurityCode>("\"0000 0000\"").is_err());
    }
}
