//! The links of the tamper-evident audit chain (pure: no I/O).
//!
//! Each tenant's entries form one chain, numbered 1, 2, ... (`seq`). An entry's hash is the
//! SHA-256 (lower-case hex) of the previous entry's hash (empty for the first), a line feed, and
//! then each field in this order: `seq`, `tenant_id`, `at`, `actor_id`, `actor`, `action`,
//! `target`, `address`, `detail` (the stored JSON text). A field is written as its length in
//! UTF-8 bytes, `:`, and its text (numbers in decimal); an absent field as `-`. The PostgreSQL
//! trigger `audit_link` (migration 9) computes the same bytes in SQL.

use sha2::{Digest, Sha256};

/// The fields of an entry that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub seq: i64,
    pub tenant_id: &'a str,
    pub at: i64,
    pub actor_id: Option<&'a str>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub address: Option<&'a str>,
    pub detail: &'a str,
}

fn field(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(s) => {
            out.extend_from_slice(s.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(s.as_bytes());
        }
        None => out.push(b'-'),
    }
}

/// The hash of an entry whose predecessor's hash is `prev` (`""` for the first entry).
pub fn link(prev: &str, f: &Fields<'_>) -> String {
    let mut bytes = Vec::with_capacity(160 + f.detail.len());
    bytes.extend_from_slice(prev.as_bytes());
    bytes.push(b'\n');
    field(&mut bytes, Some(&f.seq.to_string()));
    field(&mut bytes, Some(f.tenant_id));
    field(&mut bytes, Some(&f.at.to_string()));
    field(&mut bytes, f.actor_id);
    field(&mut bytes, Some(f.actor));
    field(&mut bytes, Some(f.action));
    field(&mut bytes, f.target);
    field(&mut bytes, f.address);
    field(&mut bytes, Some(f.detail));
    hex::encode(Sha256::digest(&bytes))
}

/// Why a link does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Break {
    /// The entry's hash does not match its fields and its predecessor: it, or the one before
    /// it, was changed.
    Altered,
    /// The entry does not follow its predecessor (`seq` skips or repeats): entries before it
    /// were removed, or it was inserted outside the chain.
    Missing,
    /// The entry has no link at all.
    Unlinked,
    /// The chain's recorded head is beyond the last entry: the last entries were removed.
    Truncated,
}

/// Walks a chain in `seq` order, one entry at a time.
#[derive(Debug, Default)]
pub struct Walker {
    prev: String,
    last_seq: i64,
}

impl Walker {
    /// Checks the next entry (its fields and stored hash); on success it becomes the predecessor.
    pub fn step(&mut self, f: &Fields<'_>, hash: &str) -> Result<(), Break> {
        if f.seq != self.last_seq + 1 {
            return Err(Break::Missing);
        }
        if link(&self.prev, f) != hash {
            return Err(Break::Altered);
        }
        self.prev = hash.to_owned();
        self.last_seq = f.seq;
        Ok(())
    }

    /// The `seq` of the last entry that held.
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// The hash of the last entry that held (`""` before the first).
    pub fn last_hash(&self) -> &str {
        &self.prev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, detail: &str) -> Fields<'_> {
        Fields {
            seq,
            tenant_id: "t",
            at: 1000 + seq,
            actor_id: Some("u1"),
            actor: "a@example.com",
            action: "user.created",
            target: None,
            address: Some("127.0.0.1"),
            detail,
        }
    }

    #[test]
    fn encoding_is_fixed() {
        // The bytes hashed: "\n1:1" "1:t" "4:1001" "2:u1" "13:a@example.com" "12:user.created"
        // "-" "9:127.0.0.1" "2:{}". The PostgreSQL trigger must produce the same digest.
        let expected = hex::encode(Sha256::digest(
            b"\n1:11:t4:10012:u113:a@example.com12:user.created-9:127.0.0.12:{}",
        ));
        assert_eq!(link("", &entry(1, "{}")), expected);
    }

    #[test]
    fn fields_cannot_shift_into_each_other() {
        let a = Fields {
            actor: "ab",
            action: "c",
            ..entry(1, "{}")
        };
        let b = Fields {
            actor: "a",
            action: "bc",
            ..entry(1, "{}")
        };
        assert_ne!(link("", &a), link("", &b));
        let none = Fields {
            target: None,
            ..entry(1, "{}")
        };
        let dash = Fields {
            target: Some("-"),
            ..entry(1, "{}")
        };
        assert_ne!(link("", &none), link("", &dash));
    }

    #[test]
    fn walker_finds_the_first_broken_link() {
        let details = ["{}", "{\"a\":1}", "{\"b\":2}"];
        let mut prev = String::new();
        let mut hashes = Vec::new();
        for (i, d) in details.iter().enumerate() {
            let h = link(&prev, &entry(i as i64 + 1, d));
            hashes.push(h.clone());
            prev = h;
        }
        let mut w = Walker::default();
        for (i, d) in details.iter().enumerate() {
            assert_eq!(w.step(&entry(i as i64 + 1, d), &hashes[i]), Ok(()));
        }
        assert_eq!(w.last_seq(), 3);

        let mut w = Walker::default();
        assert_eq!(w.step(&entry(1, "{}"), &hashes[0]), Ok(()));
        assert_eq!(
            w.step(&entry(2, "{\"a\":2}"), &hashes[1]),
            Err(Break::Altered)
        );

        let mut w = Walker::default();
        assert_eq!(w.step(&entry(1, "{}"), &hashes[0]), Ok(()));
        assert_eq!(
            w.step(&entry(3, details[2]), &hashes[2]),
            Err(Break::Missing)
        );
    }
}
