// The helper console `/`: my sessions (newest first) and "start a session".

import { api, me, signInUrl } from '../api.mjs';
import { errorText, setText, show, t } from './text.mjs';
import { formatTime } from '../i18n.mjs';

const $ = (id) => document.getElementById(id);

function cell(text) {
  const td = document.createElement('td');
  const span = document.createElement('bdi');
  span.textContent = text;
  td.append(span);
  return td;
}

/** A time as the admin center shows it (one format for every page). */
function when(ms) {
  return ms ? formatTime(ms) : '';
}

async function main() {
  const who = await me();
  if (!who) {
    location.assign(signInUrl());
    return;
  }
  const canOffer = (who.permissions || []).includes('remote_help.offer');
  show($('start-session'), canOffer);
  const body = $('sessions-body');
  let list = [];
  try {
    list = await api('GET', '/api/sessions?limit=50');
  } catch (e) {
    setText($('console-error'), errorText(e));
    show($('console-error'), true);
  }
  body.textContent = '';
  for (const s of list) {
    const tr = document.createElement('tr');
    const other = s.your_role === 'helper' ? s.sharer : s.helper;
    const link = document.createElement('a');
    link.href = s.your_role === 'helper' ? `/sessions/${encodeURIComponent(s.id)}` : '/rh';
    link.textContent = when(s.created_at);
    const first = document.createElement('td');
    first.append(link);
    tr.append(
      first,
      cell(t(`role-${s.your_role}`)),
      cell(other ? other.full_name : '—'),
      cell(t(`state-name-${s.state}`)),
      cell(s.mode ? t(`mode-name-${s.mode}`) : '—'),
    );
    body.append(tr);
  }
  show($('sessions'), list.length > 0);
  show($('no-sessions'), list.length === 0);
}

main().catch((e) => {
  setText($('console-error'), errorText(e));
  show($('console-error'), true);
});
