// Conditional-access policies.
import { start, api, t, table, act, button } from './common.mjs';

const STATE = { enabled: 'ca-state-enabled', disabled: 'ca-state-disabled', report_only: 'ca-state-report-only' };
const GRANT = { allow: 'ca-grant-allow', require_second_factor: 'ca-grant-second-factor', block: 'ca-grant-block' };

start(async () => {
  let tbl;
  const refresh = async () => tbl.set(await api('GET', '/api/conditional-access/policies'));
  tbl = table(document.getElementById('table'), [
    { key: 'name', label: t('col-name') },
    { key: 'state', label: t('col-state'), value: (p) => t(STATE[p.state] || p.state) },
    { key: 'grant', label: t('col-grant'), value: (p) => t(GRANT[p.grant] || p.grant) },
    { key: 'addresses', label: t('ca-addresses'), value: (p) => ((p.conditions && p.conditions.client_address_in) || []).join(', ') },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (p) => button(t('ui-delete'), async () => {
        if (!confirm(t('ui-confirm-delete', { name: p.name }))) return;
        await act(() => api('DELETE', `/api/conditional-access/policies/${encodeURIComponent(p.id)}`), t('ui-deleted'));
        await refresh();
      }, 'danger') },
  ]);
  document.getElementById('new-policy').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const addresses = f.addresses.value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    const body = {
      name: f.name.value.trim(),
      description: '',
      state: f.state.value,
      targets: { all_users: f.all_users.checked, include_users: [], include_groups: [] },
      conditions: addresses.length ? { client_address_in: addresses } : {},
      grant: f.grant.value,
    };
    if (await act(() => api('POST', '/api/conditional-access/policies', body), t('ui-saved'))) {
      ev.target.reset();
      await refresh();
    }
  });
  await act(refresh);
});
