// "Delete my account" in the profile dialog: DELETE /users/me with the password. The server
// deletes the account and its data (docs/protocol.md, Administration) and closes every socket.
import { h } from './dom.js';
import { api } from './api.js';

/** The form; `onDeleted` runs once the account is gone (sign out locally: the token is dead). */
export function deleteOwnAccountForm(onDeleted) {
  const password = h('input', { type: 'password', name: 'delete-password', autocomplete: 'current-password', required: true });
  const line = h('p', { class: 'error', role: 'alert' });
  return h('form', { class: 'form', id: 'delete-account', onsubmit: async (e) => {
    e.preventDefault();
    line.textContent = '';
    if (!window.confirm('Delete your account and everything you wrote? This cannot be undone.')) return;
    try {
      await api('DELETE', '/users/me', { password: password.value });
      onDeleted();
    } catch (err) {
      line.textContent = err.message;
    }
  } },
  h('h3', {}, 'Delete account'),
  h('p', { class: 'muted' }, 'Your messages become “message deleted”, your files are removed and you leave every group.'),
  h('label', {}, 'Password ', password), line,
  h('button', { type: 'submit', class: 'danger' }, 'Delete my account'));
}
