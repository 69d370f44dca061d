// UI text for page scripts: the messages of the page's language (`<html lang>`), fetched once from
// `/i18n/{lang}.json`. `t(key, {name: value})` fills `{name}` placeholders; an unknown key is shown
// as itself. Text only: callers put the result in `textContent`, never in HTML.

let messages = null;
let loading = null;

/** Loads the messages of the page's language (once). */
export function load() {
  if (messages) return Promise.resolve(messages);
  if (!loading) {
    const lang = document.documentElement.lang || 'en';
    loading = fetch(`/i18n/${encodeURIComponent(lang)}.json`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))
      .then((m) => {
        messages = m || {};
        return messages;
      });
  }
  return loading;
}

/** The message `key` with `{name}` placeholders filled from `args`. Call `load()` first. */
export function t(key, args) {
  let text = (args && typeof args.count === 'number' && plural(key, args.count)) || (messages && messages[key]) || key;
  if (args) {
    for (const [k, v] of Object.entries(args)) {
      text = text.split(`{${k}}`).join(String(v));
    }
  }
  return text;
}

// The numbers the server gives each plural message for (`key[n]`, see `PLURAL_SAMPLES` in
// crates/server/src/web/i18n.rs).
const PLURAL_SAMPLES = [0, 1, 2, 3, 4, 5, 7, 10, 11, 12, 20, 21, 22, 25, 100, 101, 102, 103, 111, 1000];

/**
 * The plural form of `key` for the number `n`: the sample text for `n` itself, else that of a
 * sample of the same plural category in the page's language; null for a message without plurals.
 */
function plural(key, n) {
  if (!messages || messages[`${key}[0]`] === undefined) return null;
  if (messages[`${key}[${n}]`] !== undefined) return messages[`${key}[${n}]`];
  let rules;
  try {
    rules = new Intl.PluralRules(lang());
  } catch {
    return null;
  }
  const want = rules.select(n);
  const same = PLURAL_SAMPLES.find((s) => rules.select(s) === want);
  return same === undefined ? null : messages[`${key}[${same}]`];
}

/** The page's language, for `Intl` formatting. */
export function lang() {
  return document.documentElement.lang || 'en';
}

/** A date and time (ISO text or milliseconds) in the page's language. */
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value);
  try {
    return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  } catch {
    return d.toISOString();
  }
}
