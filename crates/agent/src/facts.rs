//! Inventory and compliance facts, read from the system (Linux).
//!
//! Every reader works on a root path, so tests run them on fixture trees copied from real systems
//! (`tests/fixtures/`) as well as on `/`. Commands (`nft`, `iptables-save`, `gsettings`) are run
//! only for the live system (`System::host()`), never for a fixture tree.
//!
//! | fact | read from |
//! |---|---|
//! | host name | `/proc/sys/kernel/hostname`, else `/etc/hostname` |
//! | OS | `/etc/os-release`, else `/usr/lib/os-release`: `ID`, `NAME`, `VERSION_ID` |
//! | kernel | `/proc/sys/kernel/osrelease` |
//! | last boot | `btime` of `/proc/stat` |
//! | primary user | the user of the active local graphical logind session (`/run/systemd/sessions/*`), else any active local user session, else `$SUDO_USER` (live system only) |
//! | disk encryption | the root mount of `/proc/mounts`, its block device in `/sys/class/block`, followed through `slaves/` until a device-mapper device whose `dm/uuid` starts with `CRYPT-` |
//! | firewall | live: `nft list ruleset` / `iptables-save` (root only); configured: ufw `ENABLED=yes`, firewalld or nftables / netfilter-persistent enabled in systemd with input rules in their files |
//! | screen lock | GNOME (`gnome-shell`: locks by default unless dconf/gschema overrides or `gsettings` say `lock-enabled=false`), KDE (`kscreenlocker_greet`, unless `Autolock=false`), or a locker program: xscreensaver, light-locker, xfce4-/mate-/cinnamon-screensaver, xss-lock, swayidle |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Deepest device-mapper stack followed when looking for encryption.
pub const MAX_DM_DEPTH: usize = 8;
/// Largest system file read (os-release, mounts, configs).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// What a check-in reports: `assist_proto::device`'s types, which the server reads.
pub use assist_proto::device::{Facts, Report};

/// The system to read: a root directory, live or a copy.
#[derive(Debug, Clone)]
pub struct System {
    root: PathBuf,
    live: bool,
}

impl System {
    /// The machine the agent runs on.
    pub fn host() -> System {
        System {
            root: PathBuf::from("/"),
            live: true,
        }
    }

    /// A copy of a system's files under `root` (no commands are run).
    pub fn at(root: impl Into<PathBuf>) -> System {
        System {
            root: root.into(),
            live: false,
        }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.root.join(p.trim_start_matches('/'))
    }

    fn read(&self, p: &str) -> Option<String> {
        read_small(&self.path(p))
    }

    fn exists(&self, p: &str) -> bool {
        self.path(p).exists()
    }

    /// Everything a check-in reports.
    pub fn report(&self) -> Report {
        let os = self.os_release();
        let mut facts = Facts::default();
        let (enc, note) = self.disk_encryption();
        facts.disk_encryption = enc;
        facts.notes.insert("disk_encryption".into(), note);
        let (fw, note) = self.firewall();
        facts.firewall = fw;
        facts.notes.insert("firewall".into(), note);
        let primary_user = self.primary_user();
        let (lock, note) = self.screen_lock(primary_user.as_deref());
        facts.screen_lock = lock;
        facts.notes.insert("screen_lock".into(), note);
        Report {
            name: self.hostname().unwrap_or_else(|| "unknown".into()),
            os_id: os.get("ID").cloned(),
            os_name: os.get("NAME").cloned(),
            os_version: os.get("VERSION_ID").cloned(),
            kernel: self.kernel(),
            agent_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            primary_user,
            last_boot: self.last_boot(),
            facts,
        }
    }

    /// The host name.
    pub fn hostname(&self) -> Option<String> {
        ["/proc/sys/kernel/hostname", "/etc/hostname"]
            .iter()
            .filter_map(|p| self.read(p))
            .map(|s| s.trim().to_owned())
            .find(|s| !s.is_empty())
    }

    /// The kernel release.
    pub fn kernel(&self) -> Option<String> {
        self.read("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }

    /// The fields of os-release.
    pub fn os_release(&self) -> BTreeMap<String, String> {
        ["/etc/os-release", "/usr/lib/os-release"]
            .iter()
            .find_map(|p| self.read(p))
            .map(|t| parse_os_release(&t))
            .unwrap_or_default()
    }

    /// Last boot, Unix ms (`btime` of `/proc/stat`).
    pub fn last_boot(&self) -> Option<i64> {
        let stat = self.read("/proc/stat")?;
        stat.lines()
            .find_map(|l| l.strip_prefix("btime "))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .and_then(|s| s.checked_mul(1000))
    }

    /// The device's primary user (see the module note).
    pub fn primary_user(&self) -> Option<String> {
        let dir = self.path("/run/systemd/sessions");
        let mut sessions: Vec<BTreeMap<String, String>> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                !n.contains('.') // skip `*.ref` and temporary files
            })
            .filter_map(|e| read_small(&e.path()))
            .map(|t| parse_env_file(&t))
            .collect();
        sessions.sort_by(|a, b| a.get("USER").cmp(&b.get("USER")));
        let user_session = |s: &&BTreeMap<String, String>| {
            s.get("CLASS").map(String::as_str) == Some("user")
                && s.get("REMOTE").map(String::as_str) != Some("1")
                && s.get("USER").is_some_and(|u| !u.is_empty())
        };
        let graphical = |s: &&BTreeMap<String, String>| {
            matches!(
                s.get("TYPE").map(String::as_str),
                Some("x11") | Some("wayland") | Some("mir")
            )
        };
        let active =
            |s: &&BTreeMap<String, String>| s.get("ACTIVE").map(String::as_str) == Some("1");
        let found = sessions
            .iter()
            .filter(user_session)
            .find(|s| graphical(s) && active(s))
            .or_else(|| sessions.iter().filter(user_session).find(graphical))
            .or_else(|| sessions.iter().filter(user_session).find(active))
            .and_then(|s| s.get("USER").cloned());
        if found.is_some() {
            return found;
        }
        if self.live {
            return std::env::var("SUDO_USER")
                .ok()
                .filter(|u| !u.is_empty() && u != "root");
        }
        None
    }

    /// Whether the root filesystem is on dm-crypt, with an explanation.
    pub fn disk_encryption(&self) -> (Option<bool>, String) {
        let Some(mounts) = self.read("/proc/mounts") else {
            return (None, "cannot read /proc/mounts".into());
        };
        let Some(source) = mounts
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                let (src, target) = (f.next()?, f.next()?);
                (target == "/").then(|| unescape_mount(src))
            })
            .next_back()
        else {
            return (None, "no root mount in /proc/mounts".into());
        };
        let Some(dev) = self.block_device_of(&source) else {
            return (
                None,
                format!("root filesystem {source} is not on a local block device"),
            );
        };
        match self.crypt_under(&dev, 0) {
            Some((name, uuid)) => (
                Some(true),
                format!(
                    "root {source} is on dm-crypt {name} ({})",
                    uuid.split('-').take(2).collect::<Vec<_>>().join("-")
                ),
            ),
            None => (
                Some(false),
                format!("root {source} ({dev}) has no dm-crypt device beneath it"),
            ),
        }
    }

    /// The `/sys/class/block` name of a mount source.
    fn block_device_of(&self, source: &str) -> Option<String> {
        let class = self.path("/sys/class/block");
        if let Some(name) = source.strip_prefix("/dev/mapper/") {
            // Find the dm-N whose dm/name is this mapper name.
            return std::fs::read_dir(&class)
                .ok()?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("dm-"))
                .find(|n| {
                    read_small(&class.join(n).join("dm/name")).is_some_and(|v| v.trim() == name)
                });
        }
        let rest = source.strip_prefix("/dev/")?;
        let name = if rest.contains('/') {
            // /dev/disk/by-uuid/..., /dev/vg/lv: symlinks to ../dm-N or ../../sda2.
            let target = std::fs::read_link(self.path(source)).ok()?;
            target.file_name()?.to_string_lossy().into_owned()
        } else {
            rest.to_owned()
        };
        class.join(&name).exists().then_some(name)
    }

    /// The first dm-crypt device at or beneath `dev` (through `slaves/`): (name, dm uuid).
    fn crypt_under(&self, dev: &str, depth: usize) -> Option<(String, String)> {
        if depth > MAX_DM_DEPTH || dev.contains('/') || dev.starts_with('.') {
            return None;
        }
        let base = self.path("/sys/class/block").join(dev);
        if let Some(uuid) = read_small(&base.join("dm/uuid")) {
            let uuid = uuid.trim();
            if uuid.starts_with("CRYPT-") {
                return Some((dev.to_owned(), uuid.to_owned()));
            }
        }
        let mut slaves: Vec<String> = std::fs::read_dir(base.join("slaves"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        slaves.sort();
        slaves.iter().find_map(|s| self.crypt_under(s, depth + 1))
    }

    /// Whether a host firewall is active, with an explanation.
    pub fn firewall(&self) -> (Option<bool>, String) {
        if let Some(conf) = self.read("/etc/ufw/ufw.conf")
            && parse_env_file(&conf).get("ENABLED").map(String::as_str) == Some("yes")
        {
            return (Some(true), "ufw is enabled (/etc/ufw/ufw.conf)".into());
        }
        if self.service_enabled("firewalld.service") {
            return (Some(true), "firewalld is enabled in systemd".into());
        }
        if self.service_enabled("nftables.service")
            && let Some(conf) = self.read("/etc/nftables.conf")
            && nft_filters_input(&conf)
        {
            return (
                Some(true),
                "nftables is enabled in systemd and /etc/nftables.conf filters input".into(),
            );
        }
        if self.service_enabled("netfilter-persistent.service")
            && let Some(rules) = self.read("/etc/iptables/rules.v4")
            && iptables_filters_input(&rules)
        {
            return (
                Some(true),
                "netfilter-persistent is enabled and /etc/iptables/rules.v4 filters input".into(),
            );
        }
        if self.live {
            let mut read_live = false;
            if let Some(out) = run("nft", &["list", "ruleset"]) {
                read_live = true;
                if nft_filters_input(&out) {
                    return (Some(true), "the live nftables ruleset filters input".into());
                }
            }
            if let Some(out) = run("iptables-save", &[]) {
                read_live = true;
                if iptables_filters_input(&out) {
                    return (Some(true), "the live iptables rules filter input".into());
                }
            }
            if read_live {
                return (
                    Some(false),
                    "no firewall configured and the live ruleset does not filter input".into(),
                );
            }
        }
        (
            Some(false),
            "no firewall configured (ufw, firewalld, nftables, netfilter-persistent)".into(),
        )
    }

    fn service_enabled(&self, unit: &str) -> bool {
        [
            "multi-user.target.wants",
            "sysinit.target.wants",
            "basic.target.wants",
        ]
        .iter()
        .any(|t| self.exists(&format!("/etc/systemd/system/{t}/{unit}")))
    }

    /// Whether a screen lock is configured for `user`'s graphical session, with an explanation.
    pub fn screen_lock(&self, user: Option<&str>) -> (Option<bool>, String) {
        let home = user.and_then(|u| self.home_of(u));
        if self.exists("/usr/bin/gnome-shell") {
            if let Some(false) = self.gnome_lock_setting() {
                return (
                    Some(false),
                    "GNOME: org.gnome.desktop.screensaver lock-enabled is false".into(),
                );
            }
            return (
                Some(true),
                "GNOME Shell locks the screen (lock-enabled is true or default)".into(),
            );
        }
        let kde = [
            "/usr/bin/kscreenlocker_greet",
            "/usr/libexec/kscreenlocker_greet",
            "/usr/lib/x86_64-linux-gnu/libexec/kscreenlocker_greet",
            "/usr/lib/aarch64-linux-gnu/libexec/kscreenlocker_greet",
        ];
        if kde.iter().any(|p| self.exists(p)) {
            let off = home
                .as_ref()
                .and_then(|h| read_small(&h.join(".config/kscreenlockerrc")))
                .is_some_and(|t| ini_value(&t, "Daemon", "Autolock").as_deref() == Some("false"));
            if off {
                return (Some(false), "KDE: Autolock=false in kscreenlockerrc".into());
            }
            return (Some(true), "KDE screen locker (Autolock on)".into());
        }
        if self.exists("/usr/bin/xscreensaver") {
            let locks = home
                .as_ref()
                .and_then(|h| read_small(&h.join(".xscreensaver")))
                .is_some_and(|t| {
                    t.lines().any(|l| {
                        let l = l.replace(['\t', ' '], "");
                        l.eq_ignore_ascii_case("lock:True")
                    })
                });
            return if locks {
                (Some(true), "xscreensaver with lock: True".into())
            } else {
                (Some(false), "xscreensaver without lock: True".into())
            };
        }
        for (bin, what) in [
            ("/usr/bin/light-locker", "light-locker"),
            ("/usr/bin/xfce4-screensaver", "xfce4-screensaver"),
            ("/usr/bin/mate-screensaver", "mate-screensaver"),
            ("/usr/bin/cinnamon-screensaver", "cinnamon-screensaver"),
            ("/usr/bin/xss-lock", "xss-lock"),
            ("/usr/bin/swayidle", "swayidle"),
        ] {
            if self.exists(bin) {
                return (Some(true), format!("{what} is installed"));
            }
        }
        (Some(false), "no screen locker found".into())
    }

    /// GNOME's lock-enabled as set by system dconf keyfiles, schema overrides, or (when the
    /// agent runs as the session's user) `gsettings`.
    fn gnome_lock_setting(&self) -> Option<bool> {
        if self.live
            && !crate::identity::is_root()
            && let Some(v) = run(
                "gsettings",
                &["get", "org.gnome.desktop.screensaver", "lock-enabled"],
            )
        {
            match v.trim() {
                "false" => return Some(false),
                "true" => return Some(true),
                _ => {}
            }
        }
        let mut files = Vec::new();
        for dir in ["/etc/dconf/db", "/usr/share/glib-2.0/schemas"] {
            collect_files(&self.path(dir), 2, &mut files);
        }
        files.sort();
        let mut setting = None;
        for f in files {
            let Some(text) = read_small(&f) else { continue };
            for section in [
                "org/gnome/desktop/screensaver",
                "org.gnome.desktop.screensaver",
            ] {
                if let Some(v) = ini_value(&text, section, "lock-enabled") {
                    setting = match v.as_str() {
                        "false" => Some(false),
                        "true" => Some(true),
                        _ => setting,
                    };
                }
            }
        }
        setting
    }

    /// A user's home directory from `/etc/passwd`, under the root path.
    fn home_of(&self, user: &str) -> Option<PathBuf> {
        let passwd = self.read("/etc/passwd")?;
        passwd.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() >= 7 && f[0] == user && f[5].starts_with('/')).then(|| self.path(f[5]))
        })
    }
}

/// Reads a small text file (at most [`MAX_FILE_BYTES`]).
fn read_small(p: &Path) -> Option<String> {
    use std::io::Read;
    let f = std::fs::File::open(p).ok()?;
    let mut s = String::new();
    f.take(MAX_FILE_BYTES).read_to_string(&mut s).ok()?;
    Some(s)
}

/// Files under `dir`, down to `depth` levels.
fn collect_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() && depth > 0 => collect_files(&p, depth - 1, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

/// Runs a command, its stdout if it succeeded.
fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Parses os-release (`KEY=value`, values optionally quoted with `"` or `'`, `\` escapes).
pub fn parse_os_release(text: &str) -> BTreeMap<String, String> {
    parse_env_file(text)
}

/// Parses `KEY=value` lines (os-release, logind session files, ufw.conf).
pub fn parse_env_file(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if k.is_empty() || !k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            continue;
        }
        out.insert(k.to_owned(), unquote(v.trim()));
    }
    out
}

fn unquote(v: &str) -> String {
    let quoted = v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')));
    if !quoted {
        return v.to_owned();
    }
    let inner = &v[1..v.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `/proc/mounts` escapes space, tab, newline and backslash as octal (`\040`).
fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A value of a `[section]` of an INI-like file (dconf keyfiles, gschema overrides, KDE rc).
pub fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut in_section = false;
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_section = s.trim() == section;
            continue;
        }
        if in_section
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == key
        {
            found = Some(unquote(v.trim()));
        }
    }
    found
}

/// Whether an nftables ruleset (as `nft list ruleset` prints it, or `/etc/nftables.conf`) has a
/// chain hooked on input with a drop/reject policy or at least one rule.
pub fn nft_filters_input(ruleset: &str) -> bool {
    let mut in_chain = false;
    let mut input_hook = false;
    let mut rules = 0;
    let mut dropping = false;
    let mut verdict = false;
    for raw in ruleset.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("chain ") && line.ends_with('{') {
            in_chain = true;
            input_hook = false;
            rules = 0;
            dropping = false;
            continue;
        }
        if !in_chain {
            continue;
        }
        if line == "}" {
            if input_hook && (dropping || rules > 0) {
                verdict = true;
            }
            in_chain = false;
            continue;
        }
        if line.starts_with("type ") && line.contains("hook input") {
            input_hook = true;
            dropping = line.contains("policy drop") || line.contains("policy reject");
            continue;
        }
        if line.starts_with("policy ") {
            dropping |= line.contains("drop") || line.contains("reject");
            continue;
        }
        rules += 1;
    }
    verdict
}

/// Whether iptables-save output has an INPUT chain with a DROP/REJECT policy or a rule.
pub fn iptables_filters_input(save: &str) -> bool {
    save.lines().map(str::trim).any(|l| {
        l.starts_with("-A INPUT ") || l.starts_with(":INPUT DROP") || l.starts_with(":INPUT REJECT")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_values_are_unquoted() {
        let m = parse_os_release(
            "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\n# comment\nPRETTY_NAME='A \\\"b\\\"'\nBAD LINE\n",
        );
        assert_eq!(m["NAME"], "Ubuntu");
        assert_eq!(m["VERSION_ID"], "24.04");
        assert_eq!(m["ID"], "ubuntu");
        assert_eq!(m["PRETTY_NAME"], "A \"b\"");
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn mount_sources_are_unescaped() {
        assert_eq!(unescape_mount("/dev/my\\040disk"), "/dev/my disk");
        assert_eq!(unescape_mount("plain"), "plain");
        assert_eq!(unescape_mount("trailing\\04"), "trailing\\04");
    }

    #[test]
    fn nft_rulesets() {
        let open = "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n";
        assert!(!nft_filters_input(open));
        let drop = open.replace("policy accept", "policy drop");
        assert!(nft_filters_input(&drop));
        let rule = "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 22 accept\n\t\tdrop\n\t}\n}\n";
        assert!(nft_filters_input(rule));
        let forward_only = "table ip nat {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tiif docker0 accept\n\t}\n}\n";
        assert!(!nft_filters_input(forward_only));
        assert!(!nft_filters_input(""));
    }

    #[test]
    fn iptables_rules() {
        assert!(iptables_filters_input(
            "*filter\n:INPUT DROP [0:0]\nCOMMIT\n"
        ));
        assert!(iptables_filters_input(
            "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n"
        ));
        assert!(!iptables_filters_input(
            "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n-A FORWARD -j DOCKER\nCOMMIT\n"
        ));
    }

    #[test]
    fn ini_values() {
        let t = "[org/gnome/desktop/session]\nidle-delay=uint32 0\n[org/gnome/desktop/screensaver]\nlock-enabled=false\n";
        assert_eq!(
            ini_value(t, "org/gnome/desktop/screensaver", "lock-enabled").as_deref(),
            Some("false")
        );
        assert_eq!(
            ini_value(t, "org/gnome/desktop/session", "lock-enabled"),
            None
        );
    }
}
