// Session reports: table and CSV download of the same filter.
import { start, api, t, table, act, when } from './common.mjs';

const ms = (date, end) => (date ? Date.parse(`${date}T00:00:00`) + (end ? 86400000 : 0) : null);

start(async () => {
  const tbl = table(document.getElementById('table'), [
    { key: 'helper', label: t('col-helper'), value: (r) => r.helper_name || r.helper_email },
    { key: 'sharer', label: t('col-sharer'), value: (r) => r.sharer_name || r.sharer_email || '' },
    { key: 'device_id', label: t('col-device'), value: (r) => r.device_id || r.sharer_kind || '' },
    { key: 'started_at', label: t('col-started'), value: (r) => r.started_at || r.created_at, cell: (r) => when(r.started_at || r.created_at) },
    { key: 'ended_at', label: t('col-ended'), value: (r) => r.ended_at || 0, cell: (r) => when(r.ended_at) },
    { key: 'duration_secs', label: t('col-duration'), value: (r) => r.duration_secs ?? '' },
    { key: 'mode', label: t('col-mode'), value: (r) => r.mode || '' },
    { key: 'outcome', label: t('col-outcome') },
  ]);
  const form = document.getElementById('filters');
  const csv = document.getElementById('csv');
  const refresh = async () => {
    const p = new URLSearchParams();
    const from = ms(form.elements.from.value);
    const to = ms(form.elements.to.value, true);
    if (from) p.set('from', from);
    if (to) p.set('to', to);
    const q = p.toString();
    tbl.set(await api('GET', `/api/reports/sessions${q ? `?${q}` : ''}`));
    p.set('format', 'csv');
    csv.href = `/api/reports/sessions?${p}`;
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); act(refresh); });
  await act(refresh);
});
