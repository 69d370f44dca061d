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
  let text = (messages && messages[key]) || key;
  if (args) {
    for (const [k, v] of Object.entries(args)) {
      text = text.split(`{${k}}`).join(String(v));
    }
  }
  return text;
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
