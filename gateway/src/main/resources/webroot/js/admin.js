// The server admin's page (docs/web-client.md, Administration): accounts (search, deactivate,
// reactivate, delete), invite codes and who is connected. Shown only when /users/me says
// `admin: true`; the server checks again on every request (403 for anyone else).
import { $, h, fill, toast } from './dom.js';
import { api } from './api.js';

let me = null;

/** Shows or hides the Admin button for the signed-in user (null: signed out). */
export function showEntry(user) {
  me = user;
  const button = $('admin-button');
  button.hidden = !(user && user.admin);
}

export function wireAdmin() {
  $('admin-button').addEventListener('click', openPage);
}

function openPage() {
  const dialog = $('dialog');
  $('dialog-title').textContent = 'Administration';
  fill($('dialog-body'), usersSection(), invitesSection(), connectedSection());
  if (!dialog.open) dialog.showModal();
  $('admin-search').focus();
}

// ---- accounts ---------------------------------------------------------------

function usersSection() {
  const list = h('ul', { id: 'admin-users', class: 'admin-list', 'aria-label': 'Accounts' });
  const line = h('p', { class: 'error', role: 'alert' });
  const search = h('input', { id: 'admin-search', type: 'search', placeholder: 'Search login or nickname' });
  const run = () => loadUsers(list, line, search.value.trim());
  search.addEventListener('input', debounce(run, 250));
  run();
  return h('section', { class: 'admin-section', 'aria-labelledby': 'admin-users-title' },
    h('h3', { id: 'admin-users-title' }, 'Accounts'), search, line, list);
}

async function loadUsers(list, line, q) {
  line.textContent = '';
  try {
    const page = await api('GET', `/admin/users?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`);
    fill(list, ...(page.users || []).map((u) => userRow(u, list, line, q)));
    if (!page.users || page.users.length === 0) fill(list, h('li', { class: 'muted' }, 'No accounts found.'));
  } catch (e) {
    line.textContent = e.message;
  }
}

function userRow(u, list, line, q) {
  const self = me && u.uid === me.uid;
  const act = (label, cls, fn) => h('button', { type: 'button', class: cls, 'data-action': label.toLowerCase(),
    onclick: async () => {
      try {
        await fn();
        await loadUsers(list, line, q);
      } catch (e) {
        line.textContent = e.message;
      }
    } }, label);
  const actions = self ? [h('small', { class: 'muted' }, 'you')] : [
    u.deactivated
      ? act('Reactivate', '', () => api('POST', `/admin/users/${encodeURIComponent(u.uid)}/reactivate`))
      : act('Deactivate', 'danger', () => api('POST', `/admin/users/${encodeURIComponent(u.uid)}/deactivate`)),
    act('Delete', 'danger', async () => {
      if (!window.confirm(`Delete ${u.login} and all their data? This can't be undone.`)) return;
      await api('DELETE', `/admin/users/${encodeURIComponent(u.uid)}`);
      toast(`${u.login} deleted`);
    }),
  ];
  return h('li', { class: 'admin-row', 'data-uid': u.uid, 'data-login': u.login },
    h('span', { class: 'admin-who' }, h('strong', {}, u.nickname), ' ', h('small', {}, u.login)),
    u.admin ? h('span', { class: 'tag' }, 'admin') : null,
    u.deactivated ? h('span', { class: 'tag deactivated' }, 'deactivated') : null,
    h('span', { class: 'admin-actions' }, ...actions));
}

// ---- invite codes -------------------------------------------------------------

function invitesSection() {
  const list = h('ul', { id: 'admin-invites', class: 'admin-list', 'aria-label': 'Unused invite codes' });
  const line = h('p', { class: 'error', role: 'alert' });
  const load = async () => {
    try {
      const { invites } = await api('GET', '/admin/invites');
      fill(list, ...(invites || []).map((i) => h('li', { class: 'admin-row' }, h('code', {}, i.code))));
      if (!invites || invites.length === 0) fill(list, h('li', { class: 'muted' }, 'No unused codes.'));
    } catch (e) {
      line.textContent = e.message;
    }
  };
  const create = h('button', { type: 'button', id: 'admin-new-invite', onclick: async () => {
    line.textContent = '';
    try {
      const invite = await api('POST', '/admin/invites');
      toast(`Invite code: ${invite.code}`);
      await load();
    } catch (e) {
      line.textContent = e.message;
    }
  } }, 'New invite code');
  load();
  return h('section', { class: 'admin-section', 'aria-labelledby': 'admin-invites-title' },
    h('h3', { id: 'admin-invites-title' }, 'Invite codes'),
    h('p', { class: 'muted' }, 'Single-use codes for sign-up when registration is invite-only.'), create, line, list);
}

// ---- connected users -------------------------------------------------------------

function connectedSection() {
  const list = h('ul', { id: 'admin-connected', class: 'admin-list', 'aria-label': 'Connected users' });
  const line = h('p', { class: 'error', role: 'alert' });
  const load = async () => {
    line.textContent = '';
    try {
      const { users, nodes } = await api('GET', '/admin/connected');
      fill(list, ...(users || []).map((u) => h('li', { class: 'admin-row' },
        h('strong', {}, u.nickname), ' ', h('small', {}, `${u.login} · ${u.nodes} node${u.nodes === 1 ? '' : 's'}`))));
      list.setAttribute('data-nodes', String(nodes));
      if (!users || users.length === 0) fill(list, h('li', { class: 'muted' }, 'Nobody is connected.'));
    } catch (e) {
      line.textContent = e.message;
    }
  };
  load();
  return h('section', { class: 'admin-section', 'aria-labelledby': 'admin-connected-title' },
    h('h3', { id: 'admin-connected-title' }, 'Connected now'),
    h('button', { type: 'button', onclick: load }, 'Refresh'), line, list);
}

function debounce(fn, ms) {
  let timer = 0;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}
