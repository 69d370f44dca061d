// Times and durations in the page's language (the browser's Intl data), with units.

/** A clock time (`14:05`), or the date and time when it is not today. */
export function formatTime(ms, lang) {
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  const opts = today ? { hour: '2-digit', minute: '2-digit' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(lang, opts).format(d);
}

/** A duration with units (`40 seconds`, `3 minutes, 5 seconds`, `1 hour, 5 minutes`). */
export function formatDuration(ms, lang) {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  let parts;
  if (total < 60) parts = [['second', sec]];
  else if (total < 3600) parts = [['minute', m], ['second', sec]];
  else parts = [['hour', h], ['minute', m]];
  const list = parts
    .filter(([, n], i) => i === 0 || n > 0)
    .map(([unit, n]) => new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(n));
  return new Intl.ListFormat(lang, { style: 'narrow', type: 'unit' }).format(list);
}
