//! Languages: the 34 of `docs/architecture.md` ("Languages"), chosen from the `lang` cookie, else
//! `Accept-Language`, else English. Every UI string comes from Fluent files `web/locales/<lang>/*.ftl`, embedded in
//! the binary; a message missing in one language falls back to English.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, OnceLock};

/// The Fluent files, embedded at compile time.
#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/locales/"]
pub struct Locales;

/// Name of the cookie that holds the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The languages: code and the language's own name (shown in the picker, the same in every UI).
pub const LANGUAGES: [(&str, &str); 34] = [
    ("ar", "العربية"),
    ("bg", "Български"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("et", "Eesti"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hr", "Hrvatski"),
    ("hu", "Magyar"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("nb", "Norsk bokmål"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sk", "Slovenčina"),
    ("sl", "Slovenščina"),
    ("sr", "Српски"),
    ("sv", "Svenska"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("zh-Hans", "简体中文"),
    ("zh-Hant", "繁體中文"),
];

/// A supported language, by its canonical code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(&'static str);

impl Lang {
    pub const EN: Lang = Lang("en");

    /// The canonical code, e.g. `zh-Hant`.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// `rtl` for Arabic and Hebrew, else `ltr`.
    pub fn dir(self) -> &'static str {
        if matches!(self.0, "ar" | "he") {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// A supported language from a code exactly as listed (any case).
    pub fn exact(code: &str) -> Option<Lang> {
        LANGUAGES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(code))
            .map(|(c, _)| Lang(c))
    }

    /// The supported language for a BCP 47 tag from a browser (`pt-BR`, `zh-TW`, `nn`...).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
        if tag.is_empty() || tag.len() > 35 {
            return None;
        }
        if let Some(l) = Lang::exact(&tag) {
            return Some(l);
        }
        let mut parts = tag.split('-');
        let primary = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        let code = match primary {
            "zh" => {
                let hant = rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
                let hans = rest.contains(&"hans");
                if hant && !hans { "zh-Hant" } else { "zh-Hans" }
            }
            "no" | "nn" | "nb" => "nb",
            "iw" => "he",
            "sh" | "bs" | "sr" => "sr",
            other => other,
        };
        Lang::exact(code)
    }

    /// The best supported language of an `Accept-Language` header, by quality then order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, usize, &str)> = header
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
                    .unwrap_or(1.0);
                (q > 0.0 && tag != "*").then_some((q, i, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.into_iter().find_map(|(_, _, t)| Lang::from_tag(t))
    }
}

type Bundle = FluentBundle<FluentResource>;

/// Every language's bundle, each built on its first use (a server whose pages are served in one
/// language holds that language and English, the fallback, not all 34).
static BUNDLES: LazyLock<HashMap<&'static str, OnceLock<Bundle>>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .map(|(code, _)| (*code, OnceLock::new()))
        .collect()
});

/// The bundle of a supported language, built now if this is its first use.
fn bundle(code: &str) -> Option<&'static Bundle> {
    let (code, cell) = BUNDLES.get_key_value(code)?;
    Some(cell.get_or_init(|| build_bundle(code)))
}

/// The `.ftl` sources of one language, by file name, sorted.
pub fn sources(code: &str) -> BTreeMap<String, String> {
    let prefix = format!("{code}/");
    Locales::iter()
        .filter_map(|path| {
            let name = path.strip_prefix(&prefix)?.to_owned();
            let file = Locales::get(&path)?;
            Some((name, String::from_utf8_lossy(&file.data).into_owned()))
        })
        .collect()
}

fn build_bundle(code: &'static str) -> Bundle {
    let langid = code
        .parse::<unic_langid::LanguageIdentifier>()
        .unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![langid]);
    for (name, text) in sources(code) {
        let res = match FluentResource::try_new(text) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::warn!(lang = code, file = %name, ?errors, "Fluent syntax errors");
                r
            }
        };
        bundle.add_resource_overriding(res);
    }
    bundle
}

/// Formats one message of one bundle, or `None` when the bundle lacks it.
fn format(bundle: &Bundle, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    Some(text.into_owned())
}

/// Translates for one language, falling back to English, then to the key itself.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The message `key` without variables.
    pub fn t(&self, key: &str) -> String {
        self.args(key, &[])
    }

    /// The message `key` with one variable.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.args(key, &[(name, value)])
    }

    /// The message `key` with string variables.
    pub fn args(&self, key: &str, vars: &[(&str, &str)]) -> String {
        let args = (!vars.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (k, v) in vars {
                a.set(*k, FluentValue::from(*v));
            }
            a
        });
        bundle(self.lang.code())
            .and_then(|b| format(b, key, args.as_ref()))
            .or_else(|| bundle(Lang::EN.code()).and_then(|b| format(b, key, args.as_ref())))
            .unwrap_or_else(|| key.to_owned())
    }

    /// Every message for page scripts: key → text, with each variable `$name` left as `{name}`
    /// for the script to fill in. English first, overridden by this language.
    pub fn all_for_scripts(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for code in [Lang::EN.code(), self.lang.code()] {
            let Some(bundle) = bundle(code) else {
                continue;
            };
            for (_, text) in sources(code) {
                let Ok(res) = fluent_syntax::parser::parse(text.as_str()) else {
                    continue;
                };
                for entry in res.body {
                    let fluent_syntax::ast::Entry::Message(m) = entry else {
                        continue;
                    };
                    let key = m.id.name;
                    let vars = message_variables(&m);
                    let args = |count: Option<i64>| {
                        let mut args = FluentArgs::new();
                        for v in &vars {
                            match count {
                                Some(n) if v == PLURAL_VARIABLE => args.set(v.clone(), n),
                                _ => args.set(v.clone(), FluentValue::from(format!("{{{v}}}"))),
                            }
                        }
                        args
                    };
                    if let Some(text) = format(bundle, key, Some(&args(None))) {
                        out.insert(key.to_owned(), text);
                        // This language's own forms replace English's (it may have none).
                        for n in PLURAL_SAMPLES {
                            out.remove(&format!("{key}[{n}]"));
                        }
                    }
                    if vars.contains(PLURAL_VARIABLE) {
                        out.extend(plural_samples(bundle, key, args));
                    }
                }
            }
        }
        out
    }
}

/// The variable whose number chooses a message's plural form (`{ $count -> [one] ... }`).
pub const PLURAL_VARIABLE: &str = "count";

/// Numbers that reach every plural category of the supported languages (CLDR cardinal rules:
/// Arabic's zero, two, few and many, the Slavic and Baltic few and many, Slovenian's two and
/// few of 102 and 103, Romanian's few of 0 and 101...).
pub const PLURAL_SAMPLES: [i64; 20] = [
    0, 1, 2, 3, 4, 5, 7, 10, 11, 12, 20, 21, 22, 25, 100, 101, 102, 103, 111, 1000,
];

/// A plural message for scripts: `key[n]` → the text for the number `n` of
/// [`PLURAL_SAMPLES`], with the number left as `{count}`, so that a script picks the sample of
/// the same plural category (`Intl.PluralRules`) as its own number. Nothing when every number
/// reads the same (no plural selector).
fn plural_samples(
    bundle: &Bundle,
    key: &str,
    args: impl Fn(Option<i64>) -> FluentArgs<'static>,
) -> Vec<(String, String)> {
    let samples: Vec<(String, String)> = PLURAL_SAMPLES
        .iter()
        .filter_map(|&n| {
            let text = format(bundle, key, Some(&args(Some(n))))?;
            let number = format!("\u{2068}{n}\u{2069}");
            let text = text.replace(&number, &format!("\u{2068}{{{PLURAL_VARIABLE}}}\u{2069}"));
            Some((format!("{key}[{n}]"), text))
        })
        .collect();
    if samples.windows(2).all(|w| w[0].1 == w[1].1) {
        return Vec::new();
    }
    samples
}

/// The variables (`$name`) a message uses, sorted.
pub fn message_variables<S: AsRef<str>>(
    m: &fluent_syntax::ast::Message<S>,
) -> std::collections::BTreeSet<String> {
    use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};
    fn inline<S: AsRef<str>>(
        e: &InlineExpression<S>,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        match e {
            InlineExpression::VariableReference { id } => {
                out.insert(id.name.as_ref().to_owned());
            }
            InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    inline(a, out);
                }
                for a in &arguments.named {
                    inline(&a.value, out);
                }
            }
            InlineExpression::Placeable { expression } => expr(expression, out),
            _ => {}
        }
    }
    fn expr<S: AsRef<str>>(e: &Expression<S>, out: &mut std::collections::BTreeSet<String>) {
        match e {
            Expression::Inline(i) => inline(i, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    pattern(&v.value, out);
                }
            }
        }
    }
    fn pattern<S: AsRef<str>>(p: &Pattern<S>, out: &mut std::collections::BTreeSet<String>) {
        for el in &p.elements {
            if let PatternElement::Placeable { expression } = el {
                expr(expression, out);
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    if let Some(p) = &m.value {
        pattern(p, &mut out);
    }
    for a in &m.attributes {
        pattern(&a.value, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_map_to_supported_languages() {
        let cases = [
            ("zh-CN", "zh-Hans"),
            ("zh", "zh-Hans"),
            ("zh-Hans-CN", "zh-Hans"),
            ("zh-TW", "zh-Hant"),
            ("zh-HK", "zh-Hant"),
            ("zh-Hant", "zh-Hant"),
            ("no", "nb"),
            ("nn-NO", "nb"),
            ("nb", "nb"),
            ("pt-BR", "pt"),
            ("pt-PT", "pt"),
            ("en-GB", "en"),
            ("de-CH", "de"),
            ("iw", "he"),
            ("sr-Latn-RS", "sr"),
            ("AR", "ar"),
        ];
        for (tag, want) in cases {
            assert_eq!(Lang::from_tag(tag).map(Lang::code), Some(want), "{tag}");
        }
        assert_eq!(Lang::from_tag("xx"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn accept_language_picks_by_quality() {
        let l = |h| Lang::from_accept_language(h).map(Lang::code);
        assert_eq!(
            l("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            Some("fr")
        );
        assert_eq!(l("xx, ja;q=0.5, ko;q=0.9"), Some("ko"));
        assert_eq!(l("en;q=0, he"), Some("he"));
        assert_eq!(l("q=;;;,,,"), None);
        assert_eq!(l("*"), None);
    }

    #[test]
    fn arabic_and_hebrew_are_right_to_left() {
        for (code, _) in LANGUAGES {
            let dir = Lang::exact(code).unwrap().dir();
            assert_eq!(dir == "rtl", code == "ar" || code == "he", "{code}");
        }
    }

    /// Message id → variables, for all files of one language; syntax errors are listed.
    fn catalogue(
        code: &str,
    ) -> (
        BTreeMap<String, std::collections::BTreeSet<String>>,
        Vec<String>,
    ) {
        let mut keys = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, text) in sources(code) {
            let res = match fluent_syntax::parser::parse(text.as_str()) {
                Ok(r) => r,
                Err((r, errs)) => {
                    errors.push(format!("{code}/{name}: {errs:?}"));
                    r
                }
            };
            for entry in &res.body {
                match entry {
                    fluent_syntax::ast::Entry::Message(m)
                        if keys
                            .insert(m.id.name.to_owned(), message_variables(m))
                            .is_some() =>
                    {
                        errors.push(format!("{code}/{name}: {} defined twice", m.id.name));
                    }
                    fluent_syntax::ast::Entry::Junk { content } => {
                        errors.push(format!("{code}/{name}: cannot parse {content:?}"));
                    }
                    _ => {}
                }
            }
        }
        (keys, errors)
    }

    #[test]
    fn every_language_has_every_english_message_with_the_same_variables() {
        let (english, mut problems) = catalogue("en");
        assert!(english.len() > 20, "English messages are missing");
        for (code, _) in LANGUAGES.iter().filter(|(c, _)| *c != "en") {
            let (keys, errors) = catalogue(code);
            problems.extend(errors);
            for (key, vars) in &english {
                match keys.get(key) {
                    None => problems.push(format!("{code}: lacks {key}")),
                    Some(v) if v != vars => problems.push(format!(
                        "{code}: {key} uses variables {v:?}, English uses {vars:?}"
                    )),
                    Some(_) => {}
                }
            }
            for key in keys.keys().filter(|k| !english.contains_key(*k)) {
                problems.push(format!("{code}: has {key}, which English lacks"));
            }
        }
        assert!(
            problems.is_empty(),
            "{} translation problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    #[test]
    fn messages_fall_back_to_english_then_the_key() {
        let ja = Tr::new(Lang::exact("ja").unwrap());
        assert_ne!(ja.t("signin-title"), "signin-title");
        assert_eq!(ja.t("no-such-key-anywhere"), "no-such-key-anywhere");
        let scripts = Tr::new(Lang::EN).all_for_scripts();
        assert!(scripts.contains_key("signin-title"));
    }

    /// A plural message reaches scripts as one text per sample number, the number left as
    /// `{count}`; a message without plural forms does not.
    #[test]
    fn plural_messages_reach_scripts_with_their_forms() {
        let strip = |s: &str| s.replace(['\u{2068}', '\u{2069}'], "");
        let en = Tr::new(Lang::EN).all_for_scripts();
        assert_eq!(strip(&en["ui-rows[1]"]), "{count} row");
        assert_eq!(strip(&en["ui-rows[5]"]), "{count} rows");
        assert_eq!(strip(&en["ui-rows[0]"]), "{count} rows");
        assert!(
            !en.contains_key("ui-page[1]"),
            "no plural forms, no samples"
        );
        let ru = Tr::new(Lang::exact("ru").unwrap()).all_for_scripts();
        assert_eq!(strip(&ru["ui-rows[1]"]), "{count} строка");
        assert_eq!(strip(&ru["ui-rows[3]"]), "{count} строки");
        assert_eq!(strip(&ru["ui-rows[11]"]), "{count} строк");
        assert_eq!(strip(&ru["ui-rows[21]"]), "{count} строка");
        let ar = Tr::new(Lang::exact("ar").unwrap()).all_for_scripts();
        assert_eq!(strip(&ar["ui-rows[2]"]), "صفان");
        assert_eq!(strip(&ar["ui-rows[3]"]), "{count} صفوف");
        // A language without plural forms gives none.
        let ja = Tr::new(Lang::exact("ja").unwrap()).all_for_scripts();
        assert!(!ja.contains_key("ui-rows[1]"), "not English's forms either");
    }
}
