// Compliance policies.
import { start, api, t, table, act, button, yesNo } from './common.mjs';

start(async () => {
  let tbl;
  const refresh = async () => tbl.set(await api('GET', '/api/compliance-policies'));
  const rules = (p) => [
    p.rules.disk_encryption ? t('compliance-disk-encryption') : null,
    p.rules.firewall ? t('compliance-firewall') : null,
    p.rules.screen_lock ? t('compliance-screen-lock') : null,
    ...(p.rules.min_os_versions || []).map((m) => `${m.os} ≥ ${m.version}`),
  ].filter(Boolean).join(', ');
  tbl = table(document.getElementById('table'), [
    { key: 'name', label: t('col-name') },
    { key: 'enabled', label: t('compliance-enabled'), value: (p) => yesNo(p.enabled) },
    { key: 'rules', label: t('col-description'), value: rules },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (p) => button(t('ui-delete'), async () => {
        if (!confirm(t('ui-confirm-delete', { name: p.name }))) return;
        await act(() => api('DELETE', `/api/compliance-policies/${encodeURIComponent(p.id)}`), t('ui-deleted'));
        await refresh();
      }, 'danger') },
  ]);
  document.getElementById('new-policy').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const body = {
      name: f.name.value.trim(),
      description: f.description.value.trim(),
      enabled: f.enabled.checked,
      all_devices: f.all_devices.checked,
      group_ids: [],
      rules: { min_os_versions: [], disk_encryption: f.disk_encryption.checked, firewall: f.firewall.checked, screen_lock: f.screen_lock.checked },
    };
    if (await act(() => api('POST', '/api/compliance-policies', body), t('ui-saved'))) {
      ev.target.reset();
      await refresh();
    }
  });
  await act(refresh);
});
