// UI text for the live pages. The server renders every string through Fluent into the page; the
// strings scripts need are `data-*` attributes of `#live-strings` (`data-sharer-left` is the key
// `sharer-left`). The English fallbacks below are used only when a page lacks a string.

const FALLBACK = {
  'state-waiting': 'Waiting for the sharer to enter the code.',
  'state-joined': 'The sharer joined. Ask to view their screen.',
  'state-requested': 'Waiting for the sharer to answer your request.',
  'state-active-view': 'You are viewing the sharer’s screen.',
  'state-active-control': 'You are controlling the sharer’s screen.',
  'state-denied': 'The sharer denied the request. The session is over.',
  'state-expired': 'The code expired before anyone used it.',
  'state-ended': 'The session ended.',
  'sharer-online': 'The sharer is connected.',
  'sharer-left': 'The sharer left.',
  'sharer-lost': 'The connection to the sharer was lost.',
  'sharer-moving': 'The sharer is reconnecting…',
  'helper-online': 'The helper is connected.',
  'helper-left': 'The helper left.',
  'helper-lost': 'The connection to the helper was lost.',
  'helper-moving': 'Your helper is reconnecting…',
  'helper-ended': 'The helper ended the session.',
  'sharer-ended': 'The sharer ended the session.',
  'you-ended': 'You ended the session.',
  'connection-lost': 'Connection to the server lost. Reconnecting…',
  'connection-back': 'Connected.',
  'chat-you': 'You',
  'chat-helper': 'Helper',
  'chat-sharer': 'Sharer',
  'chat-disabled': 'Chat is turned off for this organisation.',
  'warning-device_not_compliant': 'The sharer’s device is not compliant.',
  'warning-device_not_enrolled': 'The sharer’s device is not enrolled.',
  'warning-sharer_unverified': 'The sharer uses the web app: their device is not verified.',
  'verified-domain': 'Verified domain',
  'unverified-domain': 'Domain not verified',
  'copied': 'Copied.',
  'copy-failed': 'Copy failed: select the code and copy it.',
  'mode-view': 'view your screen',
  'mode-control': 'control your screen',
  'request-mode-view': 'The helper asks to view your screen.',
  'request-mode-control': 'The helper asks to control your screen.',
  'share-cancelled': 'Screen sharing was cancelled. Allow again to share your screen.',
  'sharing-stopped': 'You stopped sharing your screen.',
  'control-needs-agent': 'Full control needs the Assist agent on the sharer’s device.',
  'unattended-allowed': 'Unattended access is allowed: an agent set to accept by itself allows your request without asking the sharer.',
  'expires-in': 'Expires in',
  'no-sessions': 'No sessions yet.',
  'error': 'Something went wrong:',
  'video-waiting': 'Waiting for the sharer’s screen…',
  'video-paused': 'The sharer’s screen is paused.',
  'clipboard-sent': 'Your clipboard text is now on the sharer’s clipboard.',
  'clipboard-copied': 'Copied from the sharer: the text is on your clipboard.',
  'clipboard-read-failed': 'The browser did not let this page read your clipboard.',
  'clipboard-write-failed': 'The sharer copied text, but the browser did not let this page put it on your clipboard.',
  'clipboard-too-long': 'Your clipboard text is too long to send (at most 1 MiB).',
};

let cache = null;

/** The string for `key`, with `{name}` filled from `values`. */
export function t(key, values) {
  const text = lookup(key);
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

function lookup(key) {
  if (!cache) {
    cache = {};
    const el = document.getElementById('live-strings');
    if (el) {
      for (const attr of el.attributes) {
        if (attr.name.startsWith('data-')) cache[attr.name.slice(5)] = attr.value;
      }
    }
  }
  return cache[key] ?? FALLBACK[key] ?? key;
}

/**
 * An error as a sentence in the page's language: a known code (`join-error-{code}`), a network
 * failure, or a general sentence; never the server's English message or a raw code.
 */
export function errorText(e) {
  if (e && e.status === 0) return t('error-network');
  const key = e && e.code ? `join-error-${e.code}` : '';
  if (key && t(key) !== key) return t(key);
  if (e) console.warn('unmapped error', e);
  return t('error-generic');
}

/** Sets an element's text (never HTML). */
export function setText(el, text) {
  if (el) el.textContent = text;
}

/** Shows or hides an element. */
export function show(el, visible) {
  if (el) el.hidden = !visible;
}
