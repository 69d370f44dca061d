// The helper start page `/rhh` (a device that is not enrolled): creates a session, shows the code
// large and grouped with copy buttons and the `/rh?passcode=` link, and moves on to the session
// page as soon as the sharer has entered the code. A reload of the tab shows the same code again
// (sessionStorage) while it is still waiting.

import { api, me, signInUrl } from './api.mjs';
import { readCode, renderCode, saveCode } from './code.mjs';
import { LiveSocket } from './socket.mjs';
import { setText, show, t } from './text.mjs';

const $ = (id) => document.getElementById(id);
const panel = $('code-panel');
const error = $('start-error');
const again = $('new-code');
const open = $('open-session');
const status = $('session-status');
const CURRENT = 'assist.rhh.current';

let socket = null;

function fail(e) {
  const key = `start-error-${e.code}`;
  const known = t(key);
  setText(error, known !== key ? known : `${t('error')} ${e.message || e}`);
  show(error, true);
}

function follow(id) {
  open.href = `/sessions/${encodeURIComponent(id)}`;
  show(open, true);
  socket?.stop();
  socket = new LiveSocket(id, {
    onMessage: (msg) => {
      if ((msg.type === 'hello' || msg.type === 'state') && msg.session) {
        const s = msg.session.state;
        if (s !== 'waiting') {
          socket.stop();
          if (s === 'expired') {
            setText(status, t('state-expired'));
            show(panel, false);
            show(again, true);
          } else {
            location.assign(open.href);
          }
        }
      }
    },
  });
  socket.start();
}

async function create() {
  show(error, false);
  show(again, false);
  try {
    const created = await api('POST', '/api/sessions', {});
    saveCode(created.id, created);
    sessionStorage.setItem(CURRENT, created.id);
    renderCode(panel, created);
    setText(status, t('state-waiting'));
    follow(created.id);
  } catch (e) {
    fail(e);
    show(again, true);
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
        renderCode(panel, saved);
        setText(status, t('state-waiting'));
        follow(current);
        return;
      }
    } catch {
      /* gone: make a new one */
    }
  }
  await create();
}

main().catch(fail);
