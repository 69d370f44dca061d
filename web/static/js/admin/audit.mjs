// Audit log (newest first), filtered by action on the server.
import { start, t, table, act, all, when } from './common.mjs';

start(async () => {
  const tbl = table(document.getElementById('table'), [
    { key: 'at', label: t('col-time'), value: (e) => e.at, cell: (e) => when(e.at) },
    { key: 'actor', label: t('col-actor') },
    { key: 'action', label: t('col-action') },
    { key: 'target', label: t('col-target') },
    { key: 'address', label: t('col-address') },
    { key: 'detail', label: t('col-description'), value: (e) => JSON.stringify(e.detail) },
  ], { pageSize: 50 });
  const form = document.getElementById('filters');
  const refresh = async () => {
    const a = form.elements.action.value.trim();
    tbl.set(await all(`/api/audit${a ? `?action=${encodeURIComponent(a)}` : ''}`));
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); act(refresh); });
  await act(refresh);
});
