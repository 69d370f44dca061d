//! The app's words: the web app's Fluent catalogues (`web/locales/<lang>/*.ftl`, built into the
//! binary), in the desktop's language (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`), with English
//! for any key a language lacks.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use rust_embed::RustEmbed;
use unic_langid::LanguageIdentifier;

/// The catalogues, one folder per language.
#[derive(RustEmbed)]
#[folder = "../../web/locales"]
struct Catalogues;

/// The language used when the desktop's is not one of the catalogues.
pub const FALLBACK: &str = "en";

/// Languages written right to left (the windows are mirrored).
const RIGHT_TO_LEFT: &[&str] = &["ar", "he"];

/// The languages there are catalogues for (folder names: `en`, `zh-Hans`, ...).
pub fn languages() -> Vec<String> {
    let mut langs: Vec<String> = Catalogues::iter()
        .filter(|p| p.ends_with(".ftl"))
        .filter_map(|p| p.split_once('/').map(|(l, _)| l.to_owned()))
        .collect();
    langs.sort();
    langs.dedup();
    langs
}

/// The catalogue for a POSIX locale name (`ar_EG.UTF-8`, `zh_TW`, `pt_BR@euro`), if there is one.
pub fn catalogue_for(locale: &str, available: &[String]) -> Option<String> {
    let name = locale.split(['.', '@']).next().unwrap_or("");
    let (lang, region) = match name.split_once(['_', '-']) {
        Some((l, r)) => (l.to_ascii_lowercase(), r.to_owned()),
        None => (name.to_ascii_lowercase(), String::new()),
    };
    let wanted = match (lang.as_str(), region.as_str()) {
        ("" | "c" | "posix", _) => return None,
        ("zh", "TW" | "HK" | "MO" | "Hant") => "zh-Hant".to_owned(),
        ("zh", _) => "zh-Hans".to_owned(),
        ("no" | "nn", _) => "nb".to_owned(),
        ("iw", _) => "he".to_owned(),
        (l, _) => l.to_owned(),
    };
    available.iter().find(|a| **a == wanted).cloned()
}

/// The desktop's language among `available`, from the environment as gettext reads it:
/// `LANGUAGE` (a list, first match wins) unless the locale is `C`, then `LC_ALL`, `LC_MESSAGES`,
/// `LANG`. `var` reads a variable (the environment, or a test's table).
pub fn desktop_language(var: impl Fn(&str) -> Option<String>, available: &[String]) -> String {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| var(v).filter(|s| !s.is_empty()));
    let c_locale = locale
        .as_deref()
        .is_none_or(|l| catalogue_for(l, available).is_none() && matches!(l, "C" | "POSIX"));
    if !c_locale
        && let Some(list) = var("LANGUAGE")
        && let Some(found) = list.split(':').find_map(|l| catalogue_for(l, available))
    {
        return found;
    }
    locale
        .and_then(|l| catalogue_for(&l, available))
        .unwrap_or_else(|| FALLBACK.to_owned())
}

/// Whether `lang` is written right to left.
pub fn is_right_to_left(lang: &str) -> bool {
    RIGHT_TO_LEFT.contains(&lang)
}

/// The words of one language, with English behind it.
pub struct Tr {
    lang: String,
    bundle: FluentBundle<FluentResource>,
    fallback: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tr").field("lang", &self.lang).finish()
    }
}

fn bundle(lang: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![id]);
    let prefix = format!("{lang}/");
    for path in Catalogues::iter().filter(|p| p.starts_with(&prefix) && p.ends_with(".ftl")) {
        let Some(file) = Catalogues::get(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.data).into_owned();
        let resource = FluentResource::try_new(text).unwrap_or_else(|(r, errors)| {
            tracing::warn!(%path, ?errors, "catalogue errors");
            r
        });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::warn!(%path, ?errors, "duplicate keys");
        }
    }
    bundle
}

impl Tr {
    /// The words of `lang` (a catalogue folder name).
    pub fn new(lang: &str) -> Tr {
        Tr {
            lang: lang.to_owned(),
            bundle: bundle(lang),
            fallback: bundle(FALLBACK),
        }
    }

    /// The language.
    #[cfg(test)]
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Whether the catalogue (or English) has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key) || self.fallback.has_message(key)
    }

    /// The text of `key` (the key itself if no catalogue has it).
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The text of `key` with one variable.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_owned()));
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        for b in [&self.bundle, &self.fallback] {
            if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(pattern, args, &mut errors).into_owned();
            }
        }
        key.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn all_34_catalogues_are_built_in() {
        let langs = languages();
        assert_eq!(langs.len(), 34, "{langs:?}");
        assert!(langs.contains(&"zh-Hant".to_owned()));
    }

    #[test]
    fn the_desktop_language_comes_from_the_locale_variables() {
        let av = languages();
        assert_eq!(desktop_language(env(&[("LANG", "ar_EG.UTF-8")]), &av), "ar");
        assert_eq!(
            desktop_language(env(&[("LANG", "zh_TW.UTF-8")]), &av),
            "zh-Hant"
        );
        assert_eq!(
            desktop_language(env(&[("LANG", "zh_CN.UTF-8")]), &av),
            "zh-Hans"
        );
        assert_eq!(
            desktop_language(
                env(&[("LANG", "de_DE.UTF-8"), ("LC_MESSAGES", "he_IL")]),
                &av
            ),
            "he"
        );
        assert_eq!(
            desktop_language(env(&[("LC_ALL", "fr_FR"), ("LC_MESSAGES", "he_IL")]), &av),
            "fr"
        );
        assert_eq!(
            desktop_language(env(&[("LANGUAGE", "xx:pt_BR:de"), ("LANG", "en_US")]), &av),
            "pt"
        );
        // gettext ignores LANGUAGE under the C locale.
        assert_eq!(
            desktop_language(env(&[("LANGUAGE", "de"), ("LANG", "C")]), &av),
            "en"
        );
        assert_eq!(desktop_language(env(&[("LANG", "tlh_XX")]), &av), "en");
        assert_eq!(desktop_language(env(&[]), &av), "en");
    }

    #[test]
    fn arabic_words_are_arabic_and_right_to_left_and_missing_keys_fall_back_to_english() {
        let ar = Tr::new("ar");
        assert!(is_right_to_left(ar.lang()) && is_right_to_left("he"));
        assert!(!is_right_to_left("en"));
        assert_ne!(ar.t("live-allow"), Tr::new("en").t("live-allow"));
        assert!(
            ar.t("live-allow")
                .chars()
                .any(|c| ('\u{600}'..='\u{6ff}').contains(&c))
        );
        assert_eq!(ar.t("no-such-key"), "no-such-key");
        let named = Tr::new("en").t1("app-sharing-view", "helper", "Hana Kato");
        assert!(
            named.contains("Hana Kato") && named.contains("sees your screen"),
            "{named}"
        );
    }
}
