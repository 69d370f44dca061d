// The helper page's clipboard pieces (web/static/js/live/clipboard.mjs) against the rule of
// crates/proto/src/transfer.rs: pieces of at most CLIPBOARD_PART_BYTES of UTF-8, cut on code
// points, all but the last with `more: true`, at most MAX_CLIPBOARD_BYTES in all; the joiner
// gives the whole text back and drops a text that grows past the limit. Pure: no browser needed.
//
// Run: cd tests/e2e && node --test clipboard-parts.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIPBOARD_PART_BYTES, ClipboardJoiner, MAX_CLIPBOARD_BYTES, clipboardParts } from '../../web/static/js/live/clipboard.mjs';

const bytes = (s) => Buffer.byteLength(s, 'utf8');

test('text goes in pieces cut on code points and comes back whole', () => {
  let text = 'ü✓a😀'.repeat(MAX_CLIPBOARD_BYTES / 10);
  while (bytes(text) > MAX_CLIPBOARD_BYTES) text = text.slice(0, -2);
  const parts = clipboardParts(text);
  assert.ok(parts.length > 1);
  const joiner = new ClipboardJoiner();
  let whole = null;
  parts.forEach((p, i) => {
    assert.equal(p.type, 'clipboard');
    assert.equal(p.selection, 'clipboard');
    assert.ok(bytes(p.text) <= CLIPBOARD_PART_BYTES);
    assert.ok(!/[\uD800-\uDBFF]$/.test(p.text), 'no piece ends inside a surrogate pair');
    assert.equal(!!p.more, i + 1 < parts.length);
    assert.ok(JSON.stringify(p).length < 256 * 1024);
    const got = joiner.piece(p.selection, p.text, !!p.more);
    assert.equal(got !== null, i + 1 === parts.length);
    if (got !== null) whole = got;
  });
  assert.equal(whole, text);
  assert.deepEqual(clipboardParts(''), [{ type: 'clipboard', selection: 'clipboard', text: '' }]);
});

test('too long: not sent, and not taken when pieces add up past the limit', () => {
  assert.equal(clipboardParts('x'.repeat(MAX_CLIPBOARD_BYTES + 1)), null);
  const joiner = new ClipboardJoiner();
  const piece = 'y'.repeat(CLIPBOARD_PART_BYTES);
  for (let i = 0; i < MAX_CLIPBOARD_BYTES / CLIPBOARD_PART_BYTES; i++) assert.equal(joiner.piece('clipboard', piece, true), null);
  assert.equal(joiner.piece('clipboard', 'z', true), null);
  assert.equal(joiner.piece('clipboard', 'end', false), null, 'dropped whole');
  assert.equal(joiner.piece('clipboard', 'next', false), 'next');
  assert.equal(joiner.piece('clipboard', 'a', true), null);
  assert.equal(joiner.piece('primary', 'b', false), 'b', 'a change of selection starts again');
});
