// The sharer's page as one view model: the status, presence, connection and end lines all come
// from one state object, so that "Your helper is connected." never stands next to "Connection to
// the server lost." or an ended session. Pure: no DOM; `t` looks strings up.

import { isTerminal } from './socket.mjs';

/**
 * The state the page is in: `view` (the session, `null` before joining), `helper` (the helper's
 * presence: `unknown`, `online`, `left`, `lost`, `moving`), `socket` (`connecting`, `open`,
 * `closed`), `cancelled` (the person cancelled the browser's screen picker).
 */
export function sharerModel() {
  return { view: null, helper: 'unknown', socket: 'connecting', cancelled: false };
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

/** Every line of the sharer's page: `status`, `presence` and `presenceStatus`, `connection`, `notice`. */
export function sharerLines(m, t) {
  const out = { status: '', presence: '', presenceStatus: '', connection: '', notice: '' };
  const v = m.view;
  if (!v) return out;
  if (isTerminal(v.state)) {
    out.notice = endNotice(v, t);
    return out;
  }
  out.status = m.cancelled ? t('share-cancelled') : t(`sharer-state-${v.state}`);
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
