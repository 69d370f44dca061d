// The sharer's page as one view model: the status, presence, connection and end lines all come
// from one state object, so that "Your helper is connected." never stands next to "Connection to
// the server lost." or an ended session. Pure: no DOM; `t` looks strings up.

import { isTerminal } from './socket.mjs';
import { summary } from './helper-view.mjs';

/**
 * The state the page is in: `view` (the session, `null` before joining), `helper` (the helper's
 * presence: `unknown`, `online`, `left`, `lost`, `moving`), `socket` (`connecting`, `open`,
 * `closed`), `cancelled` (the person cancelled the browser's screen picker), `sharing` (`on`,
 * `paused` or `stopped` by the person while the session is active).
 */
export function sharerModel() {
  return { view: null, helper: 'unknown', socket: 'connecting', cancelled: false, lang: 'en', sharing: 'on' };
}

/** How the session ended, from the sharer's side. */
export function endNotice(v, t) {
  switch (v.state) {
    case 'denied':
      return t('you-denied');
    case 'expired':
      return t('state-expired');
    case 'ended':
      if (v.end_reason === 'helper_ended') return t('helper-ended');
      if (v.end_reason === 'sharer_ended') return t('you-ended');
      return v.end_reason ? `${t('state-ended')} (${t(`reason-${v.end_reason}`)})` : t('state-ended');
    default:
      return '';
  }
}

/**
 * Every line of the sharer's page: `status`, `presence` and `presenceStatus`, `connection`,
 * `notice` and, once over, `summary` (lines).
 */
export function sharerLines(m, t) {
  const out = { status: '', presence: '', presenceStatus: '', connection: '', notice: '', summary: null };
  const v = m.view;
  if (!v) return out;
  if (isTerminal(v.state)) {
    out.notice = endNotice(v, t);
    out.summary = summary(v, m.lang, t);
    return out;
  }
  if (m.cancelled) out.status = t('share-cancelled');
  else if (v.state === 'active' && m.sharing !== 'on') out.status = t(`sharing-${m.sharing}`);
  else out.status = t(`sharer-state-${v.state}`);
  if (m.socket !== 'open') {
    out.connection = t('connection-lost');
    return out;
  }
  if (m.helper !== 'unknown') {
    out.presence = t(`helper-${m.helper}`);
    out.presenceStatus = m.helper;
  }
  return out;
}
