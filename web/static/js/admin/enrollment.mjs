// Enrollment tokens: the secret is shown once, right after creation.
import { start, api, t, table, act, button, all, when, badge, showStatus } from './common.mjs';

start(async () => {
  let tbl;
  const refresh = async () => tbl.set(await all('/api/enrollment-tokens'));
  tbl = table(document.getElementById('table'), [
    { key: 'name', label: t('col-name') },
    { key: 'uses', label: t('col-uses'), value: (e) => `${e.uses} / ${e.max_uses}` },
    { key: 'expires_at', label: t('col-expires'), cell: (e) => when(e.expires_at) },
    { key: 'created_at', label: t('col-created'), cell: (e) => when(e.created_at) },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (e) => (e.revoked_at ? badge(t('enrollment-revoked')) : button(t('enrollment-revoke'), async () => {
        await act(() => api('DELETE', `/api/enrollment-tokens/${encodeURIComponent(e.id)}`), t('ui-deleted'));
        await refresh();
      }, 'danger')) },
  ]);
  const shown = document.getElementById('new-token-shown');
  const value = document.getElementById('new-token-value');
  document.getElementById('copy-token').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value.textContent);
      showStatus(t('ui-copied'));
    } catch {
      getSelection().selectAllChildren(value);
    }
  });
  document.getElementById('new-token').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const body = { name: f.name.value.trim(), expires_in_hours: Number(f.expires_in_hours.value) || 24, max_uses: Number(f.max_uses.value) || 1 };
    const r = await act(() => api('POST', '/api/enrollment-tokens', body));
    if (r) {
      value.textContent = r.token;
      shown.hidden = false;
      showStatus(t('enrollment-created'));
      await refresh();
    }
  });
  await act(refresh);
});
