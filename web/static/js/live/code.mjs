// The security code on the helper's side. The server shows a code only once (in the answer to
// `POST /api/sessions`), so the page keeps it in sessionStorage for reloads of this tab.

import { t } from './text.mjs';

const KEY = 'assist.code.';

export function saveCode(id, created) {
  try {
    sessionStorage.setItem(KEY + id, JSON.stringify({ code: created.code, link: created.link, expires_at: created.expires_at }));
  } catch {
    /* storage full or off: the code stays on screen until reload */
  }
}

export function readCode(id) {
  try {
    const raw = sessionStorage.getItem(KEY + id);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function forgetCode(id) {
  try {
    sessionStorage.removeItem(KEY + id);
  } catch {
    /* nothing to forget */
  }
}

async function copy(text, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = t('copied');
  } catch {
    status.textContent = t('copy-failed');
  }
}

let ticker = null;

/**
 * Fills a code panel: `[data-code]` (large, grouped), `[data-link]` (an `<a>`), `[data-expiry]`,
 * copy buttons `[data-copy=code|link]` and a `[data-copy-status]` live region.
 */
export function renderCode(panel, info) {
  if (!panel) return;
  const codeEl = panel.querySelector('[data-code]');
  const linkEl = panel.querySelector('[data-link]');
  const expiry = panel.querySelector('[data-expiry]');
  const status = panel.querySelector('[data-copy-status]');
  panel.hidden = !info;
  if (!info) return;
  codeEl.textContent = info.code;
  if (linkEl) {
    linkEl.textContent = info.link;
    linkEl.href = info.link;
  }
  for (const b of panel.querySelectorAll('[data-copy]')) {
    if (b.dataset.bound) continue;
    b.dataset.bound = '1';
    b.addEventListener('click', () => copy(b.dataset.copy === 'link' ? linkEl.href : codeEl.textContent, status));
  }
  if (expiry && info.expires_at) {
    clearInterval(ticker);
    const tick = () => {
      const left = Math.max(0, Math.round((info.expires_at - Date.now()) / 1000));
      expiry.textContent = `${t('expires-in')} ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
      if (left === 0) clearInterval(ticker);
    };
    tick();
    ticker = setInterval(tick, 1000);
  }
}
