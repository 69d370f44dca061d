// The sign-in form: posts to /api/auth/login, asks for the authenticator code when the account
// needs it, shows errors in an alert region, then goes on to the page the visitor came from.

import { load, t } from './i18n.mjs';

const ERRORS = {
  bad_credentials: 'signin-error-bad-credentials',
  second_factor_required: 'signin-error-second-factor-required',
  bad_second_factor: 'signin-error-bad-second-factor',
  rate_limited: 'signin-error-rate-limited',
};

function start() {
  const form = document.getElementById('signin-form');
  if (!form) return;
  const error = document.getElementById('signin-error');
  const totpField = document.getElementById('signin-totp-field');
  const submit = form.querySelector('button[type="submit"]');
  const label = submit.textContent;
  load();
  // The button is disabled in the page until this handler exists: Enter or a click before the
  // script ran would otherwise submit the form natively.
  submit.disabled = false;

  function showError(text, focus) {
    error.textContent = text;
    error.hidden = false;
    if (focus) focus.focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await load();
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const totp = form.elements.totp.value.trim();
    if (!email || !password) {
      showError(t('signin-error-missing'), email ? form.elements.password : form.elements.email);
      return;
    }
    const body = { email, password };
    if (!totpField.hidden && totp) body.totp = totp;
    submit.disabled = true;
    submit.textContent = t('signin-busy');
    error.hidden = true;
    try {
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.ok) {
        location.assign(form.dataset.next || '/');
        return;
      }
      let code = `http_${res.status}`;
      let message = res.statusText;
      try {
        const data = await res.json();
        code = (data.error && data.error.code) || code;
        message = (data.error && data.error.message) || message;
      } catch {
        /* not JSON */
      }
      if (res.status === 429) code = 'rate_limited';
      if (code === 'second_factor_required' || code === 'bad_second_factor') {
        totpField.hidden = false;
        form.elements.totp.value = '';
        showError(t(ERRORS[code]), form.elements.totp);
      } else if (ERRORS[code]) {
        showError(t(ERRORS[code]), form.elements.password);
      } else if (res.status === 403) {
        showError(t('signin-error-blocked'));
      } else {
        showError(t('signin-error-other', { message }));
      }
    } catch (e) {
      showError(t('signin-error-other', { message: String((e && e.message) || e) }));
    } finally {
      submit.disabled = false;
      submit.textContent = label;
    }
  });
}

start();
