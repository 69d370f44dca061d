//! The fact readers on fixture trees copied from real systems, and on this machine itself.

use assist_agent::facts::{Report, System};
use std::path::PathBuf;

fn fixture(name: &str) -> System {
    System::at(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

#[test]
fn ubuntu_with_lvm_on_luks_ufw_and_gnome() {
    let r = fixture("ubuntu-luks").report();
    assert_eq!(r.name, "ana-laptop");
    assert_eq!(r.os_id.as_deref(), Some("ubuntu"));
    assert_eq!(r.os_name.as_deref(), Some("Ubuntu"));
    assert_eq!(r.os_version.as_deref(), Some("24.04"));
    assert_eq!(r.kernel.as_deref(), Some("6.8.0-45-generic"));
    assert_eq!(r.last_boot, Some(1_727_851_234_000));
    assert_eq!(
        r.primary_user.as_deref(),
        Some("ana"),
        "the graphical session, not gdm's greeter"
    );
    assert_eq!(r.facts.disk_encryption, Some(true), "{:?}", r.facts.notes);
    assert!(
        r.facts.notes["disk_encryption"].contains("dm-0"),
        "{:?}",
        r.facts.notes
    );
    assert!(r.facts.notes["disk_encryption"].contains("CRYPT-LUKS2"));
    assert_eq!(r.facts.firewall, Some(true));
    assert!(r.facts.notes["firewall"].contains("ufw"));
    assert_eq!(r.facts.screen_lock, Some(true));
    assert!(r.facts.notes["screen_lock"].contains("GNOME"));
    assert_eq!(r.agent_version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
}

#[test]
fn debian_server_without_encryption_firewall_or_locker() {
    let r = fixture("debian-plain").report();
    assert_eq!(r.name, "build-01");
    assert_eq!(r.os_id.as_deref(), Some("debian"));
    assert_eq!(r.os_version.as_deref(), Some("12"));
    assert_eq!(r.last_boot, Some(1_729_000_000_000));
    assert_eq!(
        r.primary_user, None,
        "no logind sessions; $SUDO_USER only counts live"
    );
    assert_eq!(r.facts.disk_encryption, Some(false));
    assert!(r.facts.notes["disk_encryption"].contains("/dev/vda"));
    // nftables is enabled but Debian's default /etc/nftables.conf filters nothing.
    assert_eq!(r.facts.firewall, Some(false), "{:?}", r.facts.notes);
    assert_eq!(r.facts.screen_lock, Some(false));
}

#[test]
fn fedora_luks_firewalld_and_kde_with_autolock_off() {
    let r = fixture("fedora-kde").report();
    assert_eq!(r.os_id.as_deref(), Some("fedora"));
    assert_eq!(r.os_name.as_deref(), Some("Fedora Linux"));
    assert_eq!(r.os_version.as_deref(), Some("40"));
    assert_eq!(
        r.primary_user.as_deref(),
        Some("ana"),
        "not bob's remote ssh session"
    );
    assert_eq!(r.facts.disk_encryption, Some(true), "{:?}", r.facts.notes);
    assert_eq!(r.facts.firewall, Some(true));
    assert!(r.facts.notes["firewall"].contains("firewalld"));
    assert_eq!(r.facts.screen_lock, Some(false), "{:?}", r.facts.notes);
    assert!(r.facts.notes["screen_lock"].contains("Autolock=false"));
}

#[test]
fn container_root_cannot_tell_about_encryption() {
    let r = fixture("container").report();
    assert_eq!(r.os_id.as_deref(), Some("alpine"));
    assert_eq!(r.os_version.as_deref(), Some("3.20.3"));
    assert_eq!(r.name, "unknown", "no hostname files");
    assert_eq!(r.kernel, None);
    assert_eq!(r.last_boot, None);
    assert_eq!(r.facts.disk_encryption, None);
    assert!(r.facts.notes["disk_encryption"].contains("overlay"));
}

#[test]
fn missing_root_is_not_a_panic() {
    let r = System::at("/nonexistent/assist-agent-fixture").report();
    assert_eq!(r.facts.disk_encryption, None);
    assert_eq!(r.os_id, None);
}

/// The readers on the machine the tests run on: whatever it is, they answer without failing,
/// and what they read agrees with the system's own files.
#[test]
fn this_machine() {
    let r: Report = System::host().report();
    assert!(!r.name.is_empty());
    if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        assert_eq!(r.name, h.trim());
    }
    if let Ok(k) = std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        assert_eq!(r.kernel.as_deref(), Some(k.trim()));
    }
    if std::path::Path::new("/etc/os-release").exists() {
        assert!(r.os_id.is_some(), "os-release has an ID");
    }
    let boot = r.last_boot.expect("btime in /proc/stat");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(boot > 1_000_000_000_000 && boot <= now);
    assert!(r.facts.firewall.is_some());
    assert!(r.facts.screen_lock.is_some());
    for fact in ["disk_encryption", "firewall", "screen_lock"] {
        assert!(r.facts.notes.contains_key(fact), "{fact} explained");
    }
    // The root filesystem is on a block device here unless this is a container.
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let root_on_dev = mounts
        .lines()
        .rfind(|l| l.split_whitespace().nth(1) == Some("/"))
        .is_some_and(|l| l.starts_with("/dev/"));
    if root_on_dev {
        assert!(r.facts.disk_encryption.is_some(), "{:?}", r.facts.notes);
    }
    eprintln!("{}", serde_json::to_string_pretty(&r).unwrap());
}
