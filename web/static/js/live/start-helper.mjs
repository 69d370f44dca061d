// The helper start page `/rhh` (a device that is not enrolled): creates a session and goes on to
// its session page at once, which shows the code large and grouped with copy buttons and the
// `/rh?passcode=` link while it waits, then the sharer's trust screen in the same page as soon as
// they enter the code (no page load between the sharer joining and the helper seeing them).
// The server shows a code only once: it is kept in sessionStorage, and a reload of `/rhh` in the
// same tab goes back to the session still waiting instead of making another one.

import { api, me, signInUrl } from '../api.mjs';
import { readCode, saveCode } from './code.mjs';
import { errorText, setText, show, t } from './text.mjs';

const $ = (id) => document.getElementById(id);
const error = $('start-error');
const again = $('new-code');
const CURRENT = 'assist.rhh.current';

function go(id) {
  location.replace(`/sessions/${encodeURIComponent(id)}`);
}

function fail(e) {
  const key = `start-error-${e.code}`;
  const known = t(key);
  setText(error, known !== key ? known : errorText(e));
  show(error, true);
  show(again, true);
}

async function create() {
  show(error, false);
  show(again, false);
  try {
    const created = await api('POST', '/api/sessions', {});
    saveCode(created.id, created);
    sessionStorage.setItem(CURRENT, created.id);
    go(created.id);
  } catch (e) {
    fail(e);
  }
}

async function main() {
  if (!(await me())) {
    location.assign(signInUrl());
    return;
  }
  again.addEventListener('click', create);
  const current = sessionStorage.getItem(CURRENT);
  const saved = current && readCode(current);
  if (saved && saved.expires_at > Date.now()) {
    try {
      const v = await api('GET', `/api/sessions/${encodeURIComponent(current)}`);
      if (v.state === 'waiting') {
        go(current);
        return;
      }
    } catch {
      /* gone: make a new one */
    }
  }
  await create();
}

main().catch(fail);
