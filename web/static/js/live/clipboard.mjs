// Clipboard text between the helper and the sharer, the helper page's part (docs/access.md,
// "Clipboard and files"): the messages of crates/proto/src/transfer.rs (`{"type":"clipboard",
// "selection", "text", "more"}`) on the session's "input" data channel.
//
// - "Send clipboard" reads the helper's clipboard (Clipboard API) and sends it; the sharer's agent
//   puts it on the sharer's clipboard, to paste there.
// - Text the sharer copies arrives from the agent; the page writes it to the helper's clipboard and
//   says "Copied from the sharer".
//
// Only while the helper is in control, their role has `remote_help.clipboard` and the server says
// the session allows it (`GET /api/sessions/{id}/transfers`); the agent checks the same itself.
// Long text goes in pieces of at most CLIPBOARD_PART_BYTES (UTF-8), all but the last with
// `more: true`; at most MAX_CLIPBOARD_BYTES in all.

/** The limits of crates/proto/src/transfer.rs. */
export const MAX_CLIPBOARD_BYTES = 1 << 20;
export const CLIPBOARD_PART_BYTES = 32 * 1024;

const encoder = new TextEncoder();

/** UTF-8 length of one code point. */
function utf8Len(cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/**
 * The messages that carry `text` (cut on code points, each piece at most CLIPBOARD_PART_BYTES of
 * UTF-8), or `null` when it is longer than MAX_CLIPBOARD_BYTES.
 */
export function clipboardParts(text, selection = 'clipboard') {
  if (encoder.encode(text).length > MAX_CLIPBOARD_BYTES) return null;
  const parts = [];
  let piece = '';
  let bytes = 0;
  for (const ch of text) {
    const n = utf8Len(ch.codePointAt(0));
    if (bytes + n > CLIPBOARD_PART_BYTES) {
      parts.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += ch;
    bytes += n;
  }
  parts.push(piece);
  return parts.map((p, i) => {
    const m = { type: 'clipboard', selection, text: p };
    if (i + 1 < parts.length) m.more = true;
    return m;
  });
}

/** Puts pieces back together; a text that grows past MAX_CLIPBOARD_BYTES is dropped. */
export class ClipboardJoiner {
  constructor() {
    this.pending = null;
    this.bytes = 0;
    this.tooLong = false;
  }

  /** One piece; the whole text with the last piece of a text within the limit, else `null`. */
  piece(selection, text, more) {
    let whole = '';
    if (this.pending && this.pending.selection === selection) {
      whole = this.pending.text;
    } else {
      this.bytes = 0;
    }
    this.pending = null;
    const n = encoder.encode(text).length;
    if (this.tooLong || this.bytes + n > MAX_CLIPBOARD_BYTES) {
      this.tooLong = !!more;
      this.bytes = 0;
      return null;
    }
    whole += text;
    this.bytes += n;
    if (more) {
      this.pending = { selection, text: whole };
      return null;
    }
    this.bytes = 0;
    return whole;
  }
}

/** The helper page's clipboard control: a button, a note, and the data channel. */
export class ClipboardLink {
  /**
   * @param {{button: HTMLButtonElement, note: HTMLElement, t: (key: string) => string,
   *          clipboard?: Clipboard}} opts
   */
  constructor(opts) {
    this.opts = opts;
    this.clipboard = opts.clipboard || navigator.clipboard;
    this.channel = null;
    this.enabled = false;
    this.joiner = new ClipboardJoiner();
    this.onChannelMessage = (ev) => this.receive(ev.data);
    opts.button.addEventListener('click', () => this.send());
    this.setEnabled(false);
  }

  /** The data channel to use (a new one after each reconnection). */
  setChannel(channel) {
    if (this.channel === channel) return;
    this.channel?.removeEventListener('message', this.onChannelMessage);
    this.channel = channel;
    this.joiner = new ClipboardJoiner();
    channel?.addEventListener('message', this.onChannelMessage);
  }

  /** Whether text may go now (in control, permitted, allowed by the server). */
  setEnabled(on) {
    this.enabled = !!on;
    this.opts.button.hidden = !this.enabled;
    if (!this.enabled) this.say('');
  }

  say(key) {
    this.opts.note.textContent = key ? this.opts.t(key) : '';
    this.opts.note.dataset.key = key || '';
  }

  /** Reads the helper's clipboard and sends it to the sharer. */
  async send() {
    if (!this.enabled || !this.channel || this.channel.readyState !== 'open') return;
    let text;
    try {
      text = await this.clipboard.readText();
    } catch {
      this.say('clipboard-read-failed');
      return;
    }
    const parts = clipboardParts(text);
    if (!parts) {
      this.say('clipboard-too-long');
      return;
    }
    for (const p of parts) this.channel.send(JSON.stringify(p));
    this.say('clipboard-sent');
  }

  /** A message from the sharer's side: clipboard pieces are ours, the rest is ignored. */
  async receive(data) {
    if (typeof data !== 'string' || !data.includes('"type"')) return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (!msg || msg.type !== 'clipboard' || typeof msg.text !== 'string') return;
    if (!this.enabled) return;
    const whole = this.joiner.piece(msg.selection, msg.text, !!msg.more);
    if (whole === null) return;
    try {
      await this.clipboard.writeText(whole);
      this.say('clipboard-copied');
    } catch {
      this.say('clipboard-write-failed');
    }
  }
}
