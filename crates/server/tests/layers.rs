//! The server is layers, and no module reaches up: this test reads the server's sources, lists
//! every `crate::` path that crosses from one unit (a top-level module, or a pure submodule named
//! in `LAYERS`) to another, and fails on an edge that goes up a layer, on a unit in no layer, or on
//! any circle between units. `cargo test --test layers -- --nocapture` prints the picture
//! (`docs/layers.md`). A second test fails on SQL anywhere outside `store/`.
//!
//! The reading is textual, not a compiler's: comments are dropped, `crate::a::b` and
//! `crate::{a::b, c}` are followed, and `super::` paths that climb out of their top-level
//! module are resolved to the module they name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, top first. A unit may use units of its own layer or of any layer below it.
/// A module path belongs to the longest unit that prefixes it; `""` is the crate root (`lib.rs`).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "app: the router, handlers and the state that wires them",
        &["", "state", "api", "web", "ops", "bootstrap"],
    ),
    (
        "sessions: session lifecycle, live sockets, nodes",
        &["sessions"],
    ),
    (
        "access: the guard, conditional access at run time, unattended access",
        &["access"],
    ),
    (
        "devices: signed device requests, the compliance sweep",
        &["devices"],
    ),
    ("audit: writing the audit log", &["audit"]),
    ("auth: who is calling", &["auth"]),
    ("settings: the tenant settings cache", &["settings"]),
    ("ratelimit: rate limits", &["ratelimit"]),
    ("store: all SQL", &["store"]),
    (
        "model: pure domain rules the store persists",
        &[
            "access::permissions",
            "access::policy",
            "audit::action",
            "audit::chain",
            "devices::compliance",
            "devices::facts",
            "devices::signing",
        ],
    ),
    (
        "base: errors, limits, configuration, small pure helpers",
        &[
            "clock",
            "config",
            "connections",
            "error",
            "limits",
            "metrics",
            "origin",
            "params",
            "request_body",
            "request_id",
            "secrets",
            "shutdown",
            "tls",
            "validate",
        ],
    ),
];

/// Where a unit sits: its index in `LAYERS` (0 is the top).
fn layer_of(unit: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, units)| units.contains(&unit))
}

/// The unit a module path (`["sessions", "chat"]`) belongs to: the longest listed prefix.
fn unit_of(path: &[String]) -> String {
    let mut best = String::new();
    for (_, units) in LAYERS {
        for u in units.iter().filter(|u| !u.is_empty()) {
            let parts: Vec<&str> = u.split("::").collect();
            if parts.len() <= path.len()
                && parts.iter().zip(path).all(|(a, b)| a == b)
                && u.len() > best.len()
            {
                best = (*u).to_owned();
            }
        }
    }
    if best.is_empty() {
        // Not listed: the top-level module itself, which then fails as unplaced.
        path.first().cloned().unwrap_or_default()
    } else {
        best
    }
}

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read the source directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `src/sessions/chat.rs` is `["sessions", "chat"]`,
/// `src/audit/mod.rs` and `src/audit.rs` are `["audit"]`, `src/lib.rs` is `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The source without comments (line comments, doc comments, block comments); string literals
/// are kept as they are, which is harmless: none holds a `crate::` path.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        if in_str {
            if b[i] == b'\\' {
                out.push_str(&text[i..(i + 2).min(b.len())]);
                i += 2;
                continue;
            }
            if b[i] == b'"' {
                in_str = false;
            }
        } else if b[i] == b'"' && !(i > 0 && b[i - 1] == b'\'') {
            in_str = true;
        } else if text[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if text[i..].starts_with("/*") {
            let end = text[i..].find("*/").map_or(b.len(), |e| i + e + 2);
            i = end;
            continue;
        }
        let ch = text[i..].chars().next().expect("a char");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first-level module names a `crate::` path continues with: `crate::a::b` gives `[[a, b]]`,
/// `crate::{a::b, c}` gives `[[a, b], [c]]`. Only the first two segments are kept, enough to
/// find a unit.
fn paths_after(rest: &str) -> Vec<Vec<String>> {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0usize;
        let mut items = Vec::new();
        let mut current = String::new();
        for c in group.chars() {
            match c {
                '{' => {
                    depth += 1;
                    current.push(c);
                }
                '}' if depth == 0 => break,
                '}' => {
                    depth -= 1;
                    current.push(c);
                }
                ',' if depth == 0 => items.push(std::mem::take(&mut current)),
                _ => current.push(c),
            }
        }
        items.push(current);
        items
            .iter()
            .flat_map(|item| paths_after(item.trim()))
            .collect()
    } else {
        let mut segs = Vec::new();
        let mut s = rest;
        loop {
            let end = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
            if end == 0 {
                break;
            }
            segs.push(s[..end].to_owned());
            s = &s[end..];
            if segs.len() == 2 {
                break;
            }
            match s.strip_prefix("::") {
                Some(next) if next.starts_with(|c: char| is_ident(c)) => s = next,
                Some(next) if next.starts_with('{') => {
                    // `crate::a::{b, c}`: each of the group under `a`.
                    let head = segs.clone();
                    return paths_after(next)
                        .into_iter()
                        .map(|tail| head.iter().cloned().chain(tail).take(2).collect())
                        .collect();
                }
                _ => break,
            }
        }
        if segs.is_empty() || segs[0] == "self" {
            Vec::new()
        } else {
            vec![segs]
        }
    }
}

/// The module paths a file refers to through `crate::` (and `super::` climbing to the root).
fn references(module: &[String], text: &str) -> Vec<Vec<String>> {
    let text = without_comments(text);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("crate::") {
        let start = at + found;
        at = start + "crate::".len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == '$') {
            continue;
        }
        out.extend(paths_after(&text[at..]));
    }
    // `super::super::x` from `a::b` is `crate::x`. Inline modules (tests) add a level the file
    // path does not show, so such a path may also name an item of the file's own module: the
    // caller keeps only those that name a top-level module.
    let mut at = 0;
    while let Some(found) = text[at..].find("super::") {
        let start = at + found;
        at = start + "super::".len();
        if text[..start].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let mut depth = 1;
        let mut rest = &text[at..];
        while let Some(next) = rest.strip_prefix("super::") {
            depth += 1;
            rest = next;
        }
        if depth == module.len() {
            out.extend(paths_after(rest));
        }
    }
    out
}

/// Every edge between different units: (from, to) with the files that make it.
fn edges(src: &Path) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut files = Vec::new();
    sources(src, &mut files);
    let tops: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(src, f).first().cloned())
        .collect();
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let module = module_of(src, &file);
        let from = if module.is_empty() {
            String::new()
        } else {
            unit_of(&module)
        };
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for path in references(&module, &text) {
            // A first segment that is not a top-level module is an item of the crate root.
            let to = if tops.contains(&path[0]) {
                unit_of(&path)
            } else {
                String::new()
            };
            if to != from {
                let shown = file
                    .strip_prefix(src)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                edges.entry((from.clone(), to)).or_default().insert(shown);
            }
        }
    }
    edges
}

/// A circle among units, if there is one (as the list of units around it).
fn circle(edges: &BTreeMap<(String, String), BTreeSet<String>>) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    fn visit<'a>(
        n: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        done: &mut BTreeSet<&'a str>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| *s == n) {
            let mut c: Vec<String> = stack[i..].iter().map(|s| s.to_string()).collect();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n);
        for m in next.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, next, done, stack) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n);
        None
    }
    let mut done = BTreeSet::new();
    for n in next.keys() {
        if let Some(c) = visit(n, &next, &mut done, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn name(unit: &str) -> &str {
    if unit.is_empty() { "(root)" } else { unit }
}

#[test]
fn the_server_is_layers_without_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    let mut problems = Vec::new();
    println!("Layers, top first; each unit with the units it uses:");
    for (i, (title, units)) in LAYERS.iter().enumerate() {
        println!("{i:>2} {title}");
        for unit in *units {
            let uses: Vec<&str> = edges
                .keys()
                .filter(|(from, _)| from == unit)
                .map(|(_, to)| name(to))
                .collect();
            println!("     {:<22} -> {}", name(unit), uses.join(", "));
        }
    }
    for ((from, to), files) in &edges {
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        match (layer_of(from), layer_of(to)) {
            (Some(a), Some(b)) if a <= b => {}
            (Some(_), Some(_)) => problems.push(format!(
                "upward edge {} -> {} in {}",
                name(from),
                name(to),
                files.join(", ")
            )),
            _ => problems.push(format!(
                "unit without a layer in {} -> {} ({}): add it to LAYERS",
                name(from),
                name(to),
                files.join(", ")
            )),
        }
    }
    if let Some(c) = circle(&edges) {
        problems.push(format!("circle: {}", c.join(" -> ")));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_reader_finds_paths_groups_and_climbing_supers() {
    let module = vec!["sessions".to_owned(), "chat".to_owned()];
    let text = "use crate::state::AppState;\n\
                // use crate::api::Hidden;\n\
                /* crate::web::Hidden */\n\
                use crate::{store::{Store, new_id}, audit};\n\
                fn f() { crate::api::settings::current(); }\n\
                use super::super::ops::x;\n\
                use super::hub::Hub;\n";
    let got: Vec<String> = references(&module, text)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        got,
        [
            "state::AppState",
            "store::Store",
            "store::new_id",
            "audit",
            "api::settings",
            "ops::x"
        ]
    );
    assert_eq!(
        unit_of(&["access".into(), "permissions".into()]),
        "access::permissions"
    );
    assert_eq!(unit_of(&["access".into(), "guard".into()]), "access");
}

/// What marks SQL run from Rust: a query, or a pool to run it on.
const SQL_MARKS: &[&str] = &[
    "sqlx::query",
    "query_scalar",
    "query_as",
    "AnyPool",
    "AssertSqlSafe",
];

#[test]
fn all_sql_is_in_the_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut outside = Vec::new();
    for file in files {
        if module_of(&src, &file).first().map(String::as_str) == Some("store") {
            continue;
        }
        let text = without_comments(&std::fs::read_to_string(&file).expect("read a source file"));
        for mark in SQL_MARKS.iter().filter(|m| text.contains(**m)) {
            let shown = file.strip_prefix(&src).unwrap_or(&file).display();
            outside.push(format!("{shown}: {mark}"));
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside store/:\n{}",
        outside.join("\n")
    );
}
