// Shared parts of the admin pages: status and error regions, a table that filters, sorts and
// paginates on the client, small DOM builders. Everything is text (textContent), never HTML.

import { load, t, formatTime } from '../i18n.mjs';
import { apiSignedIn as api, ApiError } from '../api.mjs';

export { api, ApiError, t, formatTime };

/**
 * Loads the strings, then runs `main`; errors go to the alert region. The page's forms sit in a
 * disabled fieldset (`#page-gate`) until then: nothing can be typed, ticked or submitted before
 * the handlers are attached and the server's values are filled in.
 */
export function start(main) {
  load()
    .then(() => main())
    .catch(showError)
    .finally(() => {
      const gate = document.getElementById('page-gate');
      if (gate) gate.disabled = false;
    });
}

/** Builds an element: el('td', {class: 'x', text: 'y'}, child...). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** Announces a success in the polite status region. */
export function showStatus(text) {
  const s = document.getElementById('status');
  clearError();
  if (s) {
    s.textContent = '';
    setTimeout(() => (s.textContent = text), 30);
  }
}

/** An error the page found itself, already a sentence in the page's language. */
export class PageError extends Error {}

/**
 * An error as a sentence in the page's language: the page's own (`PageError`), the API's code
 * mapped to `error-code-{code}`, a network failure, or a general sentence. Never the server's
 * English message or a raw code (those go to the console, for support).
 */
export function errorSentence(e) {
  if (e instanceof PageError) return e.message;
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error-network');
    const key = `error-code-${e.code}`;
    const known = t(key);
    if (known !== key) return known;
  }
  console.warn('unmapped error', e);
  return t('error-generic');
}

/** Shows an error in the alert region. */
export function showError(e) {
  const err = document.getElementById('error');
  if (!err) return;
  err.textContent = errorSentence(e);
  err.hidden = false;
}

/** Hides the alert region (an earlier failure is not news once an action succeeds). */
export function clearError() {
  const err = document.getElementById('error');
  if (err) {
    err.hidden = true;
    err.textContent = '';
  }
}

/** Runs an async action with error reporting; resolves with its result or undefined. */
export async function act(fn, success) {
  try {
    const r = await fn();
    clearError();
    if (success) showStatus(success);
    return r;
  } catch (e) {
    showError(e);
    return undefined;
  }
}

/** The page's item id (detail pages). */
export function pageId() {
  const m = document.getElementById('main');
  return (m && m.dataset.id) || '';
}

export function yesNo(v) {
  return v ? t('ui-yes') : t('ui-no');
}

/** A badge span. */
export function badge(text, kind) {
  return el('span', { class: `badge ${kind || ''}`, text });
}

/** A button that runs `fn` (with error reporting). */
export function button(text, fn, cls) {
  return el('button', { type: 'button', class: cls || '', text, onclick: () => fn() });
}

/**
 * A table in `container` that filters (text box), sorts (column header buttons, aria-sort) and
 * paginates. columns: [{key, label, value(row) -> sortable/filterable text, cell(row) -> Node|string}].
 * Returns {set(rows)}.
 */
export function table(container, columns, { caption, pageSize = 20, filter = true } = {}) {
  let rows = [];
  let sortKey = null;
  let sortDir = 1;
  let page = 0;
  let query = '';
  const uid = Math.random().toString(36).slice(2, 8);
  const tools = el('div', { class: 'table-tools' });
  if (filter) {
    const input = el('input', { id: `filter-${uid}`, type: 'search' });
    input.addEventListener('input', () => {
      query = input.value.trim().toLowerCase();
      page = 0;
      draw();
    });
    tools.append(el('div', { class: 'field' }, el('label', { for: `filter-${uid}`, text: t('ui-filter') }), input));
  }
  const count = el('p', { class: 'help', 'aria-live': 'polite' });
  tools.append(count);
  const thead = el('thead');
  const headRow = el('tr');
  const ths = columns.map((c) => {
    const th = el('th', { scope: 'col' });
    if (c.sort === false) th.textContent = c.label;
    else {
      th.setAttribute('aria-sort', 'none');
      th.append(
        el('button', {
          type: 'button',
          class: 'sort',
          text: c.label,
          onclick: () => {
            if (sortKey === c.key) sortDir = -sortDir;
            else {
              sortKey = c.key;
              sortDir = 1;
            }
            draw();
          },
        }),
      );
    }
    headRow.append(th);
    return th;
  });
  thead.append(headRow);
  const tbody = el('tbody');
  const tbl = el('table', {}, caption ? el('caption', { text: caption }) : null, thead, tbody);
  const prev = el('button', { type: 'button', text: t('ui-previous'), onclick: () => { page -= 1; draw(); } });
  const next = el('button', { type: 'button', text: t('ui-next'), onclick: () => { page += 1; draw(); } });
  const where = el('span');
  const pager = el('nav', { class: 'pager', 'aria-label': t('ui-page', { page: '', pages: '' }).replace(/\s+/g, ' ').trim() }, prev, where, next);
  container.replaceChildren(tools, el('div', { class: 'table-wrap' }, tbl), pager);

  const text = (c, r) => {
    const v = c.value ? c.value(r) : r[c.key];
    return v === null || v === undefined ? '' : v;
  };

  function draw() {
    let shown = rows;
    if (query) {
      shown = rows.filter((r) => columns.some((c) => String(text(c, r)).toLowerCase().includes(query)));
    }
    if (sortKey) {
      const c = columns.find((x) => x.key === sortKey);
      shown = [...shown].sort((a, b) => {
        const x = text(c, a);
        const y = text(c, b);
        if (typeof x === 'number' && typeof y === 'number') return (x - y) * sortDir;
        return String(x).localeCompare(String(y), document.documentElement.lang) * sortDir;
      });
    }
    columns.forEach((c, i) => {
      if (c.sort !== false) ths[i].setAttribute('aria-sort', c.key === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
    const pages = Math.max(1, Math.ceil(shown.length / pageSize));
    page = Math.min(Math.max(0, page), pages - 1);
    const slice = shown.slice(page * pageSize, (page + 1) * pageSize);
    tbody.replaceChildren(
      ...slice.map((r) => el('tr', {}, ...columns.map((c) => {
        const v = c.cell ? c.cell(r) : text(c, r);
        const td = el('td', c.class ? { class: c.class } : {});
        td.append(v instanceof Node ? v : String(v));
        return td;
      }))),
    );
    if (slice.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: columns.length, text: t('ui-no-rows') })));
    }
    count.textContent = t('ui-rows', { count: shown.length });
    where.textContent = t('ui-page', { page: page + 1, pages });
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    pager.hidden = pages <= 1;
  }
  draw();
  return {
    set(newRows) {
      rows = newRows || [];
      draw();
    },
  };
}

/** A form's fields as an object of trimmed strings; empty ones left out. */
export function formValues(form) {
  const out = {};
  for (const e of form.elements) {
    if (!e.name || e.type === 'submit' || e.type === 'button' || e.type === 'file') continue;
    if (e.type === 'checkbox') out[e.name] = e.checked;
    else if (e.multiple) out[e.name] = [...e.selectedOptions].map((o) => o.value);
    else if (e.value.trim() !== '') out[e.name] = e.value.trim();
  }
  return out;
}

/** Fetches every page of a `Listing` endpoint (`{items, total}`). */
export async function all(path) {
  const out = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0; offset < 10000; ) {
    const r = await api('GET', `${path}${sep}limit=200&offset=${offset}`);
    const items = (r && r.items) || [];
    out.push(...items);
    offset += items.length;
    if (items.length === 0 || offset >= (r.total || 0)) break;
  }
  return out;
}

export function link(href, text) {
  return el('a', { href, text });
}

export function when(ms) {
  return ms ? formatTime(ms) : '';
}
