// The chat panel: one thread per session, ordered by the numeric message id, each message once
// (the live socket and the history fetched after every (re)connection overlap), rendered as
// text in its own bidi isolate (`dir="auto"`). Never innerHTML.

import { api } from '../api.mjs';
import { t } from './text.mjs';

function order(a, b) {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export class ChatPanel {
  /**
   * @param {{root: HTMLElement, sessionId: string, role: 'helper'|'sharer', send: (msg: object) => boolean}} opts
   */
  constructor({ root, sessionId, role, send }) {
    this.root = root;
    this.sessionId = sessionId;
    this.role = role;
    this.sendRaw = send;
    this.log = root.querySelector('[data-chat-log]');
    this.form = root.querySelector('[data-chat-form]');
    this.input = root.querySelector('[data-chat-input]');
    this.status = root.querySelector('[data-chat-status]');
    this.seen = new Map();
    // The highest thread number (`seq`) shown.
    this.highest = 0;
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submit();
      }
    });
  }

  submit() {
    const text = this.input.value;
    if (!text.trim()) return;
    if (this.sendRaw({ type: 'chat', text })) {
      this.input.value = '';
      if (this.status) this.status.textContent = '';
    } else if (this.status) {
      this.status.textContent = t('connection-lost');
    }
  }

  /**
   * Turns the chat form on or off. `chatOn` is the tenant setting: only when it is off does the
   * status say that chat is turned off (an ended session's form is off for another reason).
   */
  setEnabled(enabled, chatOn = true) {
    this.input.disabled = !enabled;
    for (const b of this.form.querySelectorAll('button')) b.disabled = !enabled;
    if (this.status && !enabled) this.status.textContent = chatOn ? '' : t('chat-disabled');
  }

  /**
   * A message from the live socket. One whose `seq` is more than one past the highest shown means
   * the socket missed messages (docs/protocol.md, "Sequence and catch-up"): the thread is fetched
   * and merged.
   */
  live(msg) {
    const seq = Number(msg.seq);
    const gap = Number.isInteger(seq) && seq > this.highest + 1;
    this.add(msg);
    if (gap) this.sync();
  }

  /** Adds one message (`id` from the socket or `seq` from the history); drops duplicates. */
  add(msg) {
    const id = String(msg.id ?? msg.seq);
    const seq = Number(msg.seq ?? msg.id);
    if (Number.isInteger(seq) && seq > this.highest) this.highest = seq;
    if (this.seen.has(id)) return;
    const li = document.createElement('li');
    li.className = `chat-message chat-from-${msg.from === 'helper' ? 'helper' : 'sharer'}`;
    if (msg.from === this.role) li.classList.add('chat-mine');
    li.dataset.id = id;
    const who = document.createElement('span');
    who.className = 'chat-who';
    who.textContent = msg.from === this.role ? t('chat-you') : t(`chat-${msg.from === 'helper' ? 'helper' : 'sharer'}`);
    const body = document.createElement('p');
    body.className = 'chat-text';
    body.dir = 'auto';
    body.textContent = String(msg.text ?? '');
    const when = document.createElement('time');
    when.className = 'chat-time';
    if (Number.isFinite(msg.sent_at)) {
      const d = new Date(msg.sent_at);
      when.dateTime = d.toISOString();
      when.textContent = d.toLocaleTimeString(document.documentElement.lang || undefined, {
        hour: '2-digit',
        minute: '2-digit',
      });
    }
    li.append(who, body, when);
    let before = null;
    for (const [otherId, el] of this.seen) {
      if (order(otherId, id) > 0 && (!before || order(otherId, before.dataset.id) < 0)) before = el;
    }
    this.log.insertBefore(li, before);
    this.seen.set(id, li);
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** Fetches the whole thread and merges it (after every hello). */
  async sync() {
    try {
      const list = await api('GET', `/api/sessions/${encodeURIComponent(this.sessionId)}/chat`);
      for (const m of list || []) this.add(m);
    } catch {
      /* the next hello tries again */
    }
  }
}
