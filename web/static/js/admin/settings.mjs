// Tenant settings.
import { start, api, t, act } from './common.mjs';

// The file size limit is shown in MB (MiB) and stored in bytes.
const MB = 1024 * 1024;

start(async () => {
  const form = document.getElementById('settings');
  const fill = (s) => {
    form.elements.remote_help_enabled.checked = !!s.remote_help_enabled;
    form.elements.allow_unenrolled_devices.checked = !!s.allow_unenrolled_devices;
    form.elements.chat_disabled.checked = !!s.chat_disabled;
    form.elements.max_session_minutes.value = s.max_session_minutes;
    form.elements.file_transfer_disabled.checked = !!s.file_transfer_disabled;
    form.elements.max_transfer_mb.value = Math.max(1, Math.round(s.max_transfer_bytes / MB));
  };
  fill(await api('GET', '/api/settings'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      remote_help_enabled: form.elements.remote_help_enabled.checked,
      allow_unenrolled_devices: form.elements.allow_unenrolled_devices.checked,
      chat_disabled: form.elements.chat_disabled.checked,
      max_session_minutes: Number(form.elements.max_session_minutes.value),
      file_transfer_disabled: form.elements.file_transfer_disabled.checked,
      max_transfer_bytes: Number(form.elements.max_transfer_mb.value) * MB,
    };
    const s = await act(() => api('PUT', '/api/settings', body), t('ui-saved'));
    if (s) fill(s);
  });
});
