'use strict';
document.getElementById('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('signin-error');
  error.hidden = true;
  try {
    await api('/demo/login', { token: document.getElementById('token').value.trim() });
    const next = new URLSearchParams(location.search).get('next') || '/';
    // Only a path on this site, so the sign-in page cannot be used to send people elsewhere.
    location.href = /^\/(?!\/)[^\\]*$/.test(next) ? next : '/';
  } catch (e) {
    error.textContent = e.status === 401 ? 'Unknown token.' : e.describe();
    error.hidden = false;
  }
});
