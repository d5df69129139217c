'use strict';
document.getElementById('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('signin-error');
  error.hidden = true;
  try {
    await api('/demo/login', { token: document.getElementById('token').value.trim() });
    location.href = sameOriginPath(new URLSearchParams(location.search).get('next'));
  } catch (e) {
    error.textContent = e.status === 401 ? 'Unknown token.' : e.describe();
    error.hidden = false;
  }
});

/**
 * Where to go after signing in: the `next` parameter only when it resolves to this site, else '/'.
 * Resolved by the browser's own URL parser (which strips tabs and newlines and reads '\\' as '/'), so
 * '/<TAB>/evil.example' or '/\\evil.example' cannot send the user to another site.
 */
function sameOriginPath(next) {
  if (!next) return '/';
  let u;
  try { u = new URL(next, location.origin); } catch (e) { return '/'; }
  return u.origin === location.origin ? u.pathname + u.search + u.hash : '/';
}
