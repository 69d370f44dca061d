// Verified domains.
import { start, api, t, table, act, button, when } from './common.mjs';

start(async () => {
  let tbl;
  const refresh = async () => tbl.set(await api('GET', '/api/domains'));
  tbl = table(document.getElementById('table'), [
    { key: 'domain', label: t('col-domain') },
    { key: 'created_at', label: t('col-created'), cell: (d) => when(d.created_at) },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (d) => button(t('ui-remove'), async () => {
        if (!confirm(t('ui-confirm-delete', { name: d.domain }))) return;
        await act(() => api('DELETE', `/api/domains/${encodeURIComponent(d.id)}`), t('ui-deleted'));
        await refresh();
      }, 'danger') },
  ]);
  document.getElementById('new-domain').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (await act(() => api('POST', '/api/domains', { domain: ev.target.elements.domain.value.trim() }), t('ui-saved'))) {
      ev.target.reset();
      await refresh();
    }
  });
  await act(refresh);
});
