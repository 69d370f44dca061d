// Roles and role assignments (to a user or a group, with the whole tenant or scope groups).
import { start, api, t, el, table, act, button, badge, all, showError, PageError } from './common.mjs';

const PERMISSIONS = [
  'remote_help.offer', 'remote_help.view_screen', 'remote_help.full_control', 'remote_help.elevation',
  'remote_help.unattended', 'remote_help.clipboard', 'remote_help.files', 'admin.users', 'admin.groups', 'admin.roles', 'admin.settings', 'admin.domains',
  'admin.devices', 'admin.enrollment', 'admin.compliance', 'admin.conditional_access', 'admin.audit', 'admin.reports',
];

start(async () => {
  const [roles, groups, users] = await Promise.all([api('GET', '/api/roles'), api('GET', '/api/groups'), all('/api/users')]);
  const roleName = (id) => (roles.find((r) => r.id === id) || {}).name || id;
  const groupName = (id) => (groups.find((g) => g.id === id) || {}).name || id;
  const userName = (id) => { const u = users.find((x) => x.id === id); return u ? `${u.full_name} <${u.email}>` : id; };

  const form = document.getElementById('assign');
  const opt = (value, text) => el('option', { value, text });
  form.elements.role_id.replaceChildren(...roles.map((r) => opt(r.id, r.name)));
  form.elements.group_id.append(...groups.map((g) => opt(g.id, g.name)));
  form.elements.scope_groups.replaceChildren(...groups.map((g) => opt(g.id, g.name)));
  document.getElementById('user-emails').replaceChildren(...users.map((u) => el('option', { value: u.email })));
  const scopeAll = form.elements.scope_all;
  const syncScope = () => { form.elements.scope_groups.disabled = scopeAll.checked; };
  scopeAll.addEventListener('change', syncScope);
  syncScope();

  let assignments;
  const refreshAssignments = async () => assignments.set(await api('GET', '/api/role-assignments'));
  assignments = table(document.getElementById('assignments'), [
    { key: 'role', label: t('col-role'), value: (a) => roleName(a.role_id) },
    { key: 'who', label: t('col-assignee'), value: (a) => (a.user_id ? userName(a.user_id) : groupName(a.group_id)) },
    { key: 'scope', label: t('col-scope'), value: (a) => (a.scope_all ? t('role-scope-all') : a.scope_groups.map(groupName).join(', ')) },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (a) => button(t('ui-remove'), async () => {
        await act(() => api('DELETE', `/api/role-assignments/${encodeURIComponent(a.id)}`), t('ui-deleted'));
        await refreshAssignments();
      }, 'danger') },
  ]);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = form.elements.email.value.trim().toLowerCase();
    const groupId = form.elements.group_id.value;
    const body = {
      role_id: form.elements.role_id.value,
      scope_all: scopeAll.checked,
      scope_groups: scopeAll.checked ? [] : [...form.elements.scope_groups.selectedOptions].map((o) => o.value),
    };
    if (email) {
      const u = users.find((x) => x.email.toLowerCase() === email);
      if (!u) return showError(new PageError(t('error-unknown-email', { email })));
      body.user_id = u.id;
    } else if (groupId) body.group_id = groupId;
    else return showError(new PageError(t('error-choose-user-or-group')));
    if (await act(() => api('POST', '/api/role-assignments', body), t('ui-saved'))) {
      form.elements.email.value = '';
      await refreshAssignments();
    }
  });

  const perms = document.getElementById('r-perms');
  perms.replaceChildren(...PERMISSIONS.map((p, i) => el('div', { class: 'field check' },
    el('input', { type: 'checkbox', id: `perm-${i}`, name: 'permissions', value: p }),
    el('label', { for: `perm-${i}`, text: p }))));
  let rolesTable;
  const refreshRoles = async () => rolesTable.set(await api('GET', '/api/roles'));
  rolesTable = table(document.getElementById('table'), [
    { key: 'name', label: t('col-name'), cell: (r) => el('span', {}, r.name, ' ', r.builtin ? badge(t('role-builtin')) : null) },
    { key: 'description', label: t('col-description') },
    { key: 'permissions', label: t('col-permissions'), value: (r) => r.permissions.join(', ') },
    { key: 'actions', label: t('ui-actions'), sort: false, value: () => '', class: 'actions',
      cell: (r) => (r.builtin ? '' : button(t('ui-delete'), async () => {
        if (!confirm(t('ui-confirm-delete', { name: r.name }))) return;
        await act(() => api('DELETE', `/api/roles/${encodeURIComponent(r.id)}`), t('ui-deleted'));
        await refreshRoles();
      }, 'danger')) },
  ]);
  document.getElementById('new-role').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = {
      name: f.elements.name.value.trim(),
      description: f.elements.description.value.trim(),
      permissions: [...f.querySelectorAll('input[name="permissions"]:checked')].map((c) => c.value),
    };
    if (await act(() => api('POST', '/api/roles', body), t('ui-saved'))) {
      f.reset();
      await refreshRoles();
    }
  });
  rolesTable.set(roles);
  await act(refreshAssignments);
});
