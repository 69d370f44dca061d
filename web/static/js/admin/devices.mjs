// Devices: list with filters; detail with facts, compliance reasons, recent sessions, and
// "New remote help session" (POST /api/sessions, then the session page /sessions/{id}, which
// shows the code kept for it: the server shows a code only in the answer to its creation).
import { start, api, t, el, table, act, all, link, badge, when, pageId, yesNo } from './common.mjs';
import { saveCode } from '../live/code.mjs';

const COMPLIANCE = { compliant: ['device-compliant', 'ok'], not_compliant: ['device-not-compliant', 'bad'], not_evaluated: ['device-not-evaluated', ''] };
const compliance = (d) => badge(t((COMPLIANCE[d.compliance] || [d.compliance])[0]), (COMPLIANCE[d.compliance] || [])[1]);

start(async () => {
  const id = pageId();
  if (id) return detail(id);
  const tbl = table(document.getElementById('table'), [
    { key: 'name', label: t('col-name'), cell: (d) => link(`/admin/devices/${encodeURIComponent(d.id)}`, d.name) },
    { key: 'os', label: t('col-os'), value: (d) => `${d.os_name} ${d.os_version}` },
    { key: 'primary_user_login', label: t('col-primary-user') },
    { key: 'compliance', label: t('col-compliance'), value: (d) => t((COMPLIANCE[d.compliance] || [d.compliance])[0]), cell: compliance },
    { key: 'last_check_in', label: t('col-last-check-in'), value: (d) => d.last_check_in, cell: (d) => when(d.last_check_in) },
  ]);
  const form = document.getElementById('filters');
  const refresh = async () => {
    const p = new URLSearchParams();
    for (const k of ['q', 'compliance', 'os']) if (form.elements[k].value.trim()) p.set(k, form.elements[k].value.trim());
    tbl.set(await all(`/api/devices?${p}`));
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); act(refresh); });
  await act(refresh);
});

async function detail(id) {
  // The device's fields are at the top level, beside `primary_user` and `recent_sessions`.
  const r = await api('GET', `/api/devices/${encodeURIComponent(id)}`);
  const d = r;
  document.querySelector('h1').textContent = d.name;
  document.querySelector('.device-name').textContent = d.name;
  const facts = [
    [t('col-os'), `${d.os_name} ${d.os_version}`],
    [t('col-primary-user'), r.primary_user ? (r.primary_user.full_name || r.primary_user.email) : (d.primary_user_login || '')],
    [t('device-hostname'), d.hostname],
    [t('device-agent-version'), d.agent_version],
    [t('col-compliance'), compliance(d)],
    [t('compliance-disk-encryption'), d.facts.disk_encryption == null ? '' : yesNo(d.facts.disk_encryption)],
    [t('compliance-firewall'), d.facts.firewall == null ? '' : yesNo(d.facts.firewall)],
    [t('compliance-screen-lock'), d.facts.screen_lock == null ? '' : yesNo(d.facts.screen_lock)],
    [t('device-enrolled'), when(d.enrolled_at)],
    [t('col-last-check-in'), when(d.last_check_in)],
  ];
  if (d.retired_at) facts.push([t('device-retired'), when(d.retired_at)]);
  // The device channel: whether a running agent can be reached now, and since when.
  facts.push([t('device-connection'), d.online_changed_at == null
    ? t('device-never-connected')
    : el('span', {}, badge(t(d.online ? 'device-online-since' : 'device-offline-since'), d.online ? 'ok' : ''), ' ', when(d.online_changed_at))]);
  document.getElementById('device-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
  const reasons = d.compliance_reasons || [];
  document.getElementById('device-reasons').replaceChildren(...(reasons.length ? reasons : [t('ui-none')]).map((x) => el('li', { text: x })));
  const tbl = table(document.getElementById('table'), [
    { key: 'created_at', label: t('col-started'), value: (s) => s.created_at, cell: (s) => when(s.created_at) },
    { key: 'helper', label: t('col-helper'), value: (s) => s.helper_name },
    { key: 'state', label: t('col-state'), value: (s) => s.state },
  ], { filter: false });
  tbl.set(r.recent_sessions || []);
  const start = document.getElementById('new-session');
  if (start) {
    start.addEventListener('click', async () => {
      start.disabled = true;
      const s = await act(() => api('POST', '/api/sessions', { device_id: id }));
      start.disabled = false;
      if (s) {
        saveCode(s.id, s);
        location.assign(`/sessions/${encodeURIComponent(s.id)}`);
      }
    });
  }
}
