// The trust screen: the other participant's name, title, company, picture and whether their
// email domain is one of the organisation's verified domains; and the helper's warnings.

import { t } from './text.mjs';

function field(root, name) {
  return root.querySelector(`[data-field="${name}"]`);
}

/** Fills a trust card (`[data-field=...]` elements inside `root`) from a session-view profile. */
export function renderProfile(root, profile) {
  if (!root) return;
  root.hidden = !profile;
  if (!profile) return;
  for (const name of ['full_name', 'job_title', 'company']) {
    const el = field(root, name);
    if (!el) continue;
    const value = profile[name];
    el.textContent = value || '';
    el.hidden = !value;
  }
  const picture = field(root, 'picture');
  if (picture) {
    if (profile.picture_url) {
      if (picture.getAttribute('src') !== profile.picture_url) picture.src = profile.picture_url;
      picture.hidden = false;
    } else {
      picture.removeAttribute('src');
      picture.hidden = true;
    }
  }
  const initials = field(root, 'initials');
  if (initials) {
    const words = (profile.full_name || '').trim().split(/\s+/).filter(Boolean);
    initials.textContent = words.slice(0, 2).map((w) => Array.from(w)[0]).join('').toUpperCase();
    initials.hidden = !!profile.picture_url;
  }
  const domain = field(root, 'domain');
  if (domain) {
    domain.textContent = '';
    const mark = document.createElement('span');
    mark.className = profile.domain_verified ? 'verified' : 'unverified';
    mark.textContent = profile.domain_verified ? '✓ ' : '! ';
    mark.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.textContent = `${profile.domain_verified ? t('verified-domain') : t('unverified-domain')}: `;
    const name = document.createElement('bdi');
    name.textContent = profile.email_domain || '';
    domain.append(mark, label, name);
    domain.dataset.verified = String(!!profile.domain_verified);
  }
}

/** Renders the helper's warnings into a list (never blocking). */
export function renderWarnings(list, warnings) {
  if (!list) return;
  list.textContent = '';
  for (const w of warnings || []) {
    const li = document.createElement('li');
    li.className = 'warning';
    li.dataset.code = w.code;
    const text = document.createElement('span');
    const known = t(`warning-${w.code}`);
    text.textContent = known !== `warning-${w.code}` ? known : w.message;
    li.append(text);
    if (Array.isArray(w.reasons) && w.reasons.length) {
      const reasons = document.createElement('ul');
      for (const r of w.reasons) {
        const item = document.createElement('li');
        const key = `reason-${r}`;
        const label = t(key);
        item.textContent = label !== key ? label : String(r).replaceAll('_', ' ');
        reasons.append(item);
      }
      li.append(reasons);
    }
    list.append(li);
  }
  list.hidden = list.children.length === 0;
}
