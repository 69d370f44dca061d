// Users: list, create; detail: edit profile, disable, picture upload, reset second factor.
import { start, api, t, el, table, formValues, act, all, link, badge, pageId, when, showStatus, showError, PageError } from './common.mjs';

start(async () => {
  const id = pageId();
  if (id) return detail(id);
  const tbl = table(document.getElementById('table'), [
    { key: 'full_name', label: t('col-name'), cell: (u) => link(`/admin/users/${encodeURIComponent(u.id)}`, u.full_name || u.email) },
    { key: 'email', label: t('col-email') },
    { key: 'job_title', label: t('col-job-title') },
    { key: 'company', label: t('col-company') },
    { key: 'disabled', label: t('col-status'), value: (u) => (u.disabled ? t('user-disabled') : t('user-active')),
      cell: (u) => badge(u.disabled ? t('user-disabled') : t('user-active'), u.disabled ? 'bad' : 'ok') },
    { key: 'created_at', label: t('col-created'), value: (u) => u.created_at, cell: (u) => when(u.created_at) },
  ]);
  const refresh = async () => tbl.set(await all('/api/users'));
  document.getElementById('new-user').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const body = formValues(form);
    const u = await act(() => api('POST', '/api/users', body));
    if (u) {
      form.reset();
      showStatus(t('user-created', { name: u.full_name || u.email }));
      await refresh();
    }
  });
  await act(refresh);
});

async function detail(id) {
  const path = `/api/users/${encodeURIComponent(id)}`;
  const form = document.getElementById('user-form');
  const pic = document.getElementById('user-picture');
  const fill = (u) => {
    document.getElementById('user-email').textContent = u.email;
    form.elements.full_name.value = u.full_name || '';
    form.elements.job_title.value = u.job_title || '';
    form.elements.company.value = u.company || '';
    form.elements.disabled.checked = !!u.disabled;
    form.elements.password.value = '';
    // No picture: no image at all (an empty one would show the browser's broken-image sign).
    if (u.picture_url) pic.src = `${u.picture_url}${u.picture_url.includes('?') ? '&' : '?'}t=${Date.now()}`;
    else pic.removeAttribute('src');
    pic.hidden = !u.picture_url;
    document.getElementById('u-reset-2fa').hidden = !u.totp_enabled;
  };
  fill(await api('GET', path));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      full_name: form.elements.full_name.value.trim(),
      job_title: form.elements.job_title.value.trim() || null,
      company: form.elements.company.value.trim() || null,
      disabled: form.elements.disabled.checked,
    };
    if (form.elements.password.value) body.password = form.elements.password.value;
    const u = await act(() => api('PATCH', path, body), t('ui-saved'));
    if (u) fill(u);
  });
  document.getElementById('u-reset-2fa').addEventListener('click', async () => {
    await act(() => api('DELETE', `${path}/totp`), t('ui-saved'));
    fill(await api('GET', path));
  });
  document.getElementById('picture-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = ev.target.elements.picture;
    const file = input.files[0];
    if (!file) return;
    // The server's limit, checked before sending (a large body would only be cut off mid-upload).
    const max = Number(input.dataset.maxBytes);
    if (file.size > max) return showError(new PageError(t('user-picture-too-large', { kb: Math.floor(max / 1024) })));
    await act(() => api('PUT', `${path}/picture`, file), t('ui-saved'));
    fill(await api('GET', path));
  });
}
