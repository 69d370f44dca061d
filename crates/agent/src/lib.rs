//! assist-agent: the native sharer app.
pub mod backend;
pub mod channel;
pub mod checkin;
pub mod clipboard;
pub mod clipboard_session;
pub mod control;
pub mod doctor;
pub mod enroll;
pub mod facts;
pub mod http;
pub mod identity;
pub mod live;
pub mod login;
pub mod media;
pub mod share;
pub mod sharer;
pub mod sso;

#[cfg(test)]
mod tests {
    /// The agent's sources whose numeric constants are limits.
    const SOURCES: &[&str] = &[
        include_str!("channel.rs"),
        include_str!("checkin.rs"),
        include_str!("control.rs"),
        include_str!("facts.rs"),
        include_str!("http.rs"),
        include_str!("login.rs"),
        include_str!("share.rs"),
        include_str!("sso.rs"),
        include_str!("media/pacing.rs"),
        include_str!("media/rate.rs"),
        include_str!("media/session.rs"),
        include_str!("media/turn.rs"),
    ];
    /// Numeric constants that are not limits.
    const NOT_LIMITS: &[&str] = &["PROTOCOL_VERSION"];

    /// Every public size, count, rate and time limit of the agent is listed in `docs/limits.md`.
    #[test]
    fn every_limit_is_documented() {
        let doc = include_str!("../../../docs/limits.md");
        let missing: Vec<&str> = SOURCES
            .iter()
            .flat_map(|src| src.lines())
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .filter_map(|l| l.split_once(':'))
            .filter(|(_, ty)| {
                let ty = ty.trim_start();
                ["Duration", "usize", "u32", "u64", "i64"]
                    .iter()
                    .any(|t| ty.starts_with(t))
            })
            .map(|(name, _)| name)
            .filter(|name| !NOT_LIMITS.contains(name) && !doc.contains(&format!("`{name}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "add these to docs/limits.md: {missing:?}"
        );
    }
}
