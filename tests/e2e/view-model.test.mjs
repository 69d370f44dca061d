// The live pages' view models (web/static/js/live/helper-view.mjs and sharer-view.mjs) over every
// combination of session state, peer presence, socket status and offer: no two lines contradict
// each other, and each state offers the way on it names. Pure functions: no browser needed.
//
// Run: cd tests/e2e && node --test view-model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helperLines, helperModel } from '../../web/static/js/live/helper-view.mjs';
import { sharerLines, sharerModel } from '../../web/static/js/live/sharer-view.mjs';

// Keys stand for their strings: `t('sharer-online')` is "sharer-online".
const t = (key, values) => (values ? `${key}:${JSON.stringify(values)}` : key);
const STATES = ['waiting', 'joined', 'requested', 'active', 'denied', 'expired', 'ended'];
const PRESENCE = ['unknown', 'online', 'left', 'lost', 'moving'];
const SOCKET = ['connecting', 'open', 'closed'];
const OFFERS = [null, { status: 'offered', since: 1 }, { status: 'declined', since: 2 }, { status: 'offline', since: 3 }, { status: 'offline', since: null }];
const TERMINAL = new Set(['denied', 'expired', 'ended']);

function view(state, extra = {}) {
  return { id: 's', state, mode: 'view', active_mode: state === 'active' ? 'view' : null, created_at: 0, started_at: 1000, ended_at: TERMINAL.has(state) ? 61_000 : null, end_reason: state === 'ended' ? 'helper_ended' : null, ...extra };
}

test('the helper page never says two contradicting things', () => {
  for (const state of STATES) {
    for (const sharer of PRESENCE) {
      for (const socket of SOCKET) {
        for (const offer of OFFERS) {
          for (const paused of [null, 'paused', 'stopped']) {
            const m = { ...helperModel(), view: view(state, { device_offer: state === 'waiting' ? offer : undefined }), sharer, socket, paused };
            const l = helperLines(m, t);
            const where = JSON.stringify({ state, sharer, socket, offer, paused });
            assert.ok(l.status, `a status line: ${where}`);
            if (TERMINAL.has(state)) {
              assert.equal(l.presence, '', `nobody is "connected" once it is over: ${where}`);
              assert.equal(l.connection, '', `no reconnecting once it is over: ${where}`);
              assert.ok(l.summary && l.again, `a summary and a way on: ${where}`);
              assert.equal(l.codeShown, false, where);
            } else {
              assert.equal(l.summary, null, where);
            }
            if (socket !== 'open' && !TERMINAL.has(state)) {
              assert.equal(l.presence, '', `nothing is known of the sharer out of reach of the server: ${where}`);
              assert.equal(l.connection, 'connection-lost', where);
            }
            if (state === 'waiting') assert.equal(l.presence, '', `nobody joined yet: ${where}`);
            if (state === 'active' && l.presence && sharer !== 'online') {
              assert.doesNotMatch(l.status, /^state-active/, `"viewing" while the sharer is away: ${where}`);
            }
            if (state === 'active' && paused && socket === 'open' && sharer === 'online') assert.equal(l.status, `sharer-${paused}`, where);
          }
        }
      }
    }
  }
});

test('the helper page names each state of an offer and each way on', () => {
  const lines = (state, extra) => helperLines({ ...helperModel(), socket: 'open', view: view(state, extra) }, t);
  assert.equal(lines('waiting', {}).status, 'state-waiting');
  assert.equal(lines('waiting', { device_offer: { status: 'offered', since: 5 } }).status, 'offer-offered');
  const declined = lines('waiting', { device_offer: { status: 'declined', since: 5 } });
  assert.equal(declined.status, 'offer-declined');
  assert.equal(declined.again, 'offer-again');
  assert.equal(declined.codeShown, true, 'the code stays a fallback');
  assert.match(lines('waiting', { device_offer: { status: 'offline', since: Date.now() } }).status, /^offer-offline:\{"when":/);
  assert.equal(lines('waiting', { device_offer: { status: 'offline', since: null } }).status, 'offer-offline-never');
  const expired = lines('expired', { started_at: null, ended_at: 9 });
  assert.equal(expired.status, 'state-expired');
  assert.equal(expired.tone, 'warning', 'an expired code is not shown as good news');
  assert.equal(expired.again, 'new-code');
  assert.deepEqual(expired.summary, ['summary-not-started']);
  const ended = lines('ended', {});
  assert.equal(ended.status, 'you-ended');
  assert.equal(ended.again, 'start-another');
  assert.deepEqual(ended.summary, ['summary-duration:{"duration":"1 minute"}', 'summary-mode-view']);
});

test('the helper page says when the sharer took control back, and only then', () => {
  const at = (extra, more = {}) => helperLines({ ...helperModel(), socket: 'open', sharer: 'online', ...more, view: view('active', extra) }, t);
  const sharer = { full_name: 'Sam Sharer' };
  const back = at({ mode: 'view', active_mode: 'view', control_stopped_at: 5, sharer });
  assert.equal(back.status, 'control-taken-back:{"name":"Sam Sharer"}');
  assert.equal(back.tone, 'warning');
  // Without a name the role stands in; control allowed again says "controlling".
  assert.equal(at({ active_mode: 'view', control_stopped_at: 5 }).status, 'control-taken-back:{"name":"role-sharer"}');
  assert.equal(at({ mode: 'control', active_mode: 'control', control_stopped_at: null, sharer }).status, 'state-active-control');
  assert.equal(at({ active_mode: 'view', control_stopped_at: null, sharer }).status, 'state-active-view');
  // A pause, or the sharer away, says that instead.
  assert.equal(at({ active_mode: 'view', control_stopped_at: 5, sharer }, { paused: 'paused' }).status, 'sharer-paused');
  assert.equal(at({ active_mode: 'view', control_stopped_at: 5, sharer }, { sharer: 'left' }).status, 'video-paused');
});

test('the sharer page never says two contradicting things', () => {
  for (const state of STATES) {
    for (const helper of PRESENCE) {
      for (const socket of SOCKET) {
        for (const sharing of ['on', 'paused', 'stopped']) {
          const l = sharerLines({ ...sharerModel(), view: view(state), helper, socket, sharing }, t);
          const where = JSON.stringify({ state, helper, socket, sharing });
          if (TERMINAL.has(state)) {
            assert.ok(l.notice && l.summary, where);
            assert.equal(l.status + l.presence + l.connection, '', `only the end is said: ${where}`);
          } else {
            assert.ok(l.status, where);
            if (socket !== 'open') assert.equal(l.presence, '', `"your helper is connected" while reconnecting: ${where}`);
            if (state === 'active' && sharing !== 'on') assert.equal(l.status, `sharing-${sharing}`, where);
          }
        }
      }
    }
  }
});
