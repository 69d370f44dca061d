// Groups: list, create, delete; detail: members (add by email, remove).
import { start, api, t, el, table, formValues, act, link, button, pageId, all, showError, PageError } from './common.mjs';

start(async () => {
  const id = pageId();
  if (id) return detail(id);
  let tbl;
  const refresh = async () => tbl.set(await api('GET', '/api/groups'));
  tbl = table(document.getElementById('table'), [
    { key: 'name', label: t('col-name'), cell: (g) => link(`/admin/groups/${encodeURIComponent(g.id)}`, g.name) },
    { key: 'description', label: t('col-description') },
    { key: 'member_count', label: t('col-members') },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (g) => button(t('ui-delete'), async () => {
        if (!confirm(t('ui-confirm-delete', { name: g.name }))) return;
        await act(() => api('DELETE', `/api/groups/${encodeURIComponent(g.id)}`), t('ui-deleted'));
        await refresh();
      }, 'danger') },
  ]);
  document.getElementById('new-group').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(ev.target);
    if (await act(() => api('POST', '/api/groups', { name: v.name, description: v.description || '' }), t('ui-saved'))) {
      ev.target.reset();
      await refresh();
    }
  });
  await act(refresh);
});

async function detail(id) {
  const base = `/api/groups/${encodeURIComponent(id)}`;
  const g = await api('GET', base);
  document.getElementById('group-name').textContent = g.name;
  document.querySelector('h1').textContent = g.name;
  const users = await all('/api/users');
  document.getElementById('user-emails').replaceChildren(...users.map((u) => el('option', { value: u.email })));
  let tbl;
  const refresh = async () => {
    const m = await api('GET', `${base}/members`);
    tbl.set(Array.isArray(m) ? m : (m && m.items) || []);
  };
  tbl = table(document.getElementById('table'), [
    { key: 'full_name', label: t('col-name') },
    { key: 'email', label: t('col-email') },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (u) => button(t('ui-remove'), async () => {
        await act(() => api('DELETE', `${base}/members/${encodeURIComponent(u.id)}`), t('ui-deleted'));
        await refresh();
      }, 'danger') },
  ]);
  document.getElementById('add-member').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = ev.target.elements.email.value.trim().toLowerCase();
    const u = users.find((x) => x.email.toLowerCase() === email);
    if (!u) return showError(new PageError(t('error-unknown-email', { email })));
    if (await act(() => api('PUT', `${base}/members/${encodeURIComponent(u.id)}`), t('ui-saved')) !== undefined) {
      ev.target.reset();
    }
    await refresh();
  });
  await act(refresh);
}
