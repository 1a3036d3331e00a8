// Dialogs: profile and password, public directory, new group, new private
// chat, invite, group administration, friends and notifications. People are searched in one place
// (findPeople / peopleSearch).
import { $, h, fill, toast, avatar, paintAvatar } from './dom.js';
import { api, upload } from './api.js';
import { state, rememberUser, user, cachedUser } from './state.js';
import { hooks } from './hooks.js';
import { openChat, closeChat } from './chat.js';
import * as fmt from './format.js';
import { deleteOwnAccountForm } from './account-deletion.js';
import { invitationsSection, blockedSection, blockButton } from './safety.js';

let onLogout = () => {};
export function setLogout(fn) { onLogout = fn; }

function open(title, ...content) {
  $('dialog-title').textContent = title;
  fill($('dialog-body'), ...content);
  const dialog = $('dialog');
  if (!dialog.open) dialog.showModal();
  const first = $('dialog-body').querySelector('input, select, textarea, button');
  if (first) first.focus();
}

/** The shared dialog with {@code title} and {@code content}, for views outside this module (pins.js). */
export function showPanel(title, ...content) {
  open(title, ...content);
}

export function closeDialog() {
  const dialog = $('dialog');
  if (dialog.open) dialog.close();
}

const errorLine = () => h('p', { class: 'error', role: 'alert' });

/** Runs an action from a form, showing its error in `line` instead of breaking. */
async function attempt(line, fn) {
  line.textContent = '';
  try {
    return await fn();
  } catch (e) {
    line.textContent = e.message;
    return undefined;
  }
}

// ---- profile -------------------------------------------------------------------

export function profile() {
  const me = state.me;
  const line = errorLine();
  const pic = avatar(me.nickname, me.avatar, 'large');
  const nickname = h('input', { name: 'nickname', value: me.nickname, required: true, maxlength: 64 });
  const gender = h('select', { name: 'gender' },
    [['', 'Not given'], ['female', 'Female'], ['male', 'Male'], ['other', 'Other']].map(([v, label]) =>
      h('option', { value: v, selected: (me.gender || '') === v }, label)));
  const avatarInput = h('input', { type: 'file', accept: 'image/*', class: 'file-input' });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Avatar upload' });
  let avatarId = me.avatar || null;
  avatarInput.addEventListener('change', async () => {
    const file = avatarInput.files[0];
    if (!file) return;
    progress.hidden = false;
    await attempt(line, async () => {
      const stored = await upload(file, (p) => { progress.value = p; }, file.name, 'avatar');
      avatarId = stored.fileId;
      paintAvatar(pic, nickname.value, avatarId);
    });
    progress.hidden = true;
  });
  const save = h('form', { class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    const body = { nickname: nickname.value.trim(), gender: gender.value };
    if (avatarId && avatarId !== me.avatar) body.avatar = avatarId;
    const updated = await attempt(line, () => api('PATCH', '/users/me', body));
    if (updated) {
      Object.assign(state.me, updated.uid ? updated : body);
      rememberUser(state.me);
      hooks.profileChanged();
      closeDialog(); // saved: nothing left to do in it
      toast('Profile saved.');
    }
  } },
  h('div', { class: 'profile-head' }, pic,
    h('label', { class: 'button' }, 'Change picture', avatarInput), progress),
  h('p', { class: 'muted' }, me.login),
  h('label', {}, 'Nickname ', nickname),
  h('label', {}, 'Gender ', gender),
  h('button', { type: 'submit', class: 'primary' }, 'Save profile'));

  const oldPassword = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const newPassword = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 });
  const password = h('form', { class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    const done = await attempt(line, () => hooks.changePassword(oldPassword.value, newPassword.value));
    if (done) {
      password.reset();
      toast('Password changed. Your other devices are logged out.');
    }
  } },
  h('h3', {}, 'Change password'),
  h('label', {}, 'Current password ', oldPassword),
  h('label', {}, 'New password ', newPassword),
  h('button', { type: 'submit' }, 'Change password'));

  const notify = 'Notification' in window && Notification.permission === 'default'
    ? h('button', { type: 'button', onclick: () => Notification.requestPermission() }, 'Enable desktop notifications') : null;
  open('Your profile', save, password, line,
    h('div', { class: 'row' }, notify, h('button', { type: 'button', class: 'danger', onclick: () => onLogout(true) }, 'Log out')),
    deleteOwnAccountForm(() => { closeDialog(); onLogout(false, 'Your account was deleted.'); }));
}

// ---- directory -----------------------------------------------------------------

export function directory() {
  const line = errorLine();
  const results = h('ul', { class: 'pick-list', 'aria-label': 'Public groups' });
  const search = h('input', { type: 'search', placeholder: 'Search public groups', 'aria-label': 'Search public groups' });
  const run = async () => {
    const found = await attempt(line, () => api('GET', `/sessions/public?q=${encodeURIComponent(search.value.trim())}`));
    if (found === undefined) return;
    const groups = found.sessions || [];
    fill(results, groups.length ? groups.map((g) => {
      const joined = g.joined === true || state.sessions.has(g.sid);
      return h('li', { class: 'pick' }, avatar(g.name, g.icon),
        h('span', { class: 'pick-text' }, h('strong', {}, g.name),
          h('small', {}, joined ? 'Public group · joined' : 'Public group')),
        h('button', { type: 'button', class: joined ? '' : 'primary', onclick: () => join(g.sid, line) }, joined ? 'Open' : 'Join'));
    }) : h('li', { class: 'muted' }, 'No public groups match.'));
  };
  let timer = 0;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  open('Public groups', search, line, results);
  run();
}

async function join(sid, line) {
  if (!state.sessions.has(sid)) {
    const ok = await attempt(line, () => api('POST', `/sessions/${encodeURIComponent(sid)}/members`, {}));
    if (ok === undefined) return;
    await hooks.reloadSessions();
  }
  closeDialog();
  openChat(sid);
}

// ---- new group -----------------------------------------------------------------

export async function newGroup() {
  const line = errorLine();
  const name = h('input', { name: 'name', required: true, maxlength: 64, placeholder: 'Group name' });
  const visibility = (value, label, checked) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'visibility', value, checked }), ` ${label}`);
  const picker = userPicker('Invite people (optional)', line);
  const form = h('form', { class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    const vis = form.querySelector('input[name=visibility]:checked').value;
    const created = await attempt(line, () => api('POST', '/sessions', { type: 'group', name: name.value.trim(), visibility: vis }));
    if (!created) return;
    for (const uid of picker.selected()) {
      await attempt(line, () => api('POST', `/sessions/${encodeURIComponent(created.sid)}/members`, { uid }));
    }
    await hooks.reloadSessions();
    if (!line.textContent) closeDialog();
    openChat(created.sid);
  } },
  h('label', {}, 'Name ', name),
  h('fieldset', {}, h('legend', {}, 'Who can join'),
    visibility('public', 'Public: anyone can find and join it', true),
    visibility('private', 'Private: invited people only', false)),
  picker.element,
  h('button', { type: 'submit', class: 'primary' }, 'Create group'), line);
  open('New group', form);
}

/** Friends as checkboxes plus a people search; selected() lists the chosen uids. */
function userPicker(legend, line) {
  const chosen = new Map();
  const list = h('ul', { class: 'pick-list' });
  const paint = (people) => fill(list, people.map((p) => h('li', { class: 'pick' },
    h('label', { class: 'check' },
      h('input', { type: 'checkbox', checked: chosen.has(p.uid),
        onchange: (e) => (e.target.checked ? chosen.set(p.uid, p) : chosen.delete(p.uid)) }),
      avatar(p.nickname, p.avatar, 'small'), ` ${p.nickname}`))));
  const friends = api('GET', '/friends').catch(() => ({ friends: [] }));
  const search = peopleSearch('Search people', 'Search people by name', line, {
    show: paint,
    cleared: async () => paint([...chosen.values(), ...friendList(await friends).filter((p) => !chosen.has(p.uid))]),
  });
  friends.then((f) => { if (!search.value) paint(friendList(f)); });
  return {
    element: h('fieldset', {}, h('legend', {}, legend), search, list),
    selected: () => [...chosen.keys()],
  };
}

/** GET /users?q=: everyone matching but the user, remembered for names and avatars. */
async function findPeople(q) {
  const found = await api('GET', `/users?q=${encodeURIComponent(q)}`);
  const people = (found.users || []).filter((p) => p.uid !== state.me.uid);
  people.forEach(rememberUser);
  return people;
}

/**
 * The one people search box: as the user types (debounced), show(people) with what
 * findPeople found, or cleared() when the box is emptied; errors go to `line`.
 */
function peopleSearch(label, placeholder, line, { show, cleared }) {
  const input = h('input', { type: 'search', placeholder, 'aria-label': label });
  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (!q) { cleared(); return; }
      const people = await attempt(line, () => findPeople(q));
      // A slower answer to an older query must not replace the newer one.
      if (people !== undefined && input.value.trim() === q) show(people);
    }, 250);
  });
  return input;
}

function friendList(f) {
  return (f.friends || []).map((x) => ({ uid: x.uid, nickname: x.nickname || displayOf(x.uid), avatar: x.avatar }));
}

function displayOf(uid) {
  const u = cachedUser(uid);
  return u ? u.nickname : uid;
}

// ---- invite to the open group ----------------------------------------------------

export function invite() {
  const sid = state.current;
  const s = state.sessions.get(sid);
  if (!s) return;
  const line = errorLine();
  const picker = userPicker('People to add', line);
  const form = h('form', { class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    let added = 0;
    for (const uid of picker.selected()) {
      const ok = await attempt(line, () => api('POST', `/sessions/${encodeURIComponent(sid)}/members`, { uid }));
      if (ok !== undefined) added++;
    }
    if (added) toast(`Added ${added} ${added === 1 ? 'person' : 'people'}.`);
    if (!line.textContent) closeDialog();
  } }, picker.element, h('button', { type: 'submit', class: 'primary' }, 'Add to group'), line);
  open(`Add people to ${s.name || 'the group'}`, form);
}

export async function leave() {
  const sid = state.current;
  const s = state.sessions.get(sid);
  if (!s || !window.confirm(`Leave “${s.name}”?`)) return;
  try {
    await api('DELETE', `/sessions/${encodeURIComponent(sid)}/members/me`);
    state.sessions.delete(sid);
    closeChat();
    hooks.sessionsChanged(false);
  } catch (e) {
    toast(e.message, 'error');
  }
}

// ---- group administration (the open group's title) --------------------------------

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 };

/**
 * Members with role and presence, and what the user's role allows: owner and admins rename
 * and change the icon and visibility (PATCH /sessions/{sid}); the owner promotes and demotes
 * (PATCH …/members/{uid}); the owner removes anyone, an admin members only (DELETE …/members/{uid}).
 */
export async function groupSettings() {
  const sid = state.current;
  const s = state.sessions.get(sid);
  if (!s || s.type === 'private') return;
  const line = errorLine();
  let info;
  try {
    info = await api('GET', `/sessions/${encodeURIComponent(sid)}`);
  } catch (e) {
    toast(e.message, 'error');
    return;
  }
  if (state.current !== sid) return;
  const members = [...(info.members || [])].sort((a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3)
    || String(a.nickname).localeCompare(String(b.nickname)));
  const mine = (members.find((m) => m.uid === state.me.uid) || {}).role || 'member';
  const reopen = () => { if ($('dialog').open) groupSettings(); };
  const act = async (fn) => {
    if (await attempt(line, fn) !== undefined) { await hooks.reloadSessions(); reopen(); }
  };
  members.forEach((x) => { if (x.state) state.presence.set(x.uid, x.state); });
  const list = h('ul', { class: 'pick-list', 'aria-label': 'Members' }, members.map((m) => {
    const presence = m.state || 'offline';
    const path = `/sessions/${encodeURIComponent(sid)}/members/${encodeURIComponent(m.uid)}`;
    const me = m.uid === state.me.uid;
    const actions = [];
    if (mine === 'owner' && !me && m.role === 'member') {
      actions.push(h('button', { type: 'button', onclick: () => act(() => api('PATCH', path, { role: 'admin' })) }, 'Make admin'));
    }
    if (mine === 'owner' && !me && m.role === 'admin') {
      actions.push(h('button', { type: 'button', onclick: () => act(() => api('PATCH', path, { role: 'member' })) }, 'Make member'));
    }
    if (!me && (mine === 'owner' || (mine === 'admin' && m.role === 'member'))) {
      actions.push(h('button', { type: 'button', class: 'danger', onclick: () => {
        if (window.confirm(`Remove ${m.nickname} from “${info.name}”?`)) act(() => api('DELETE', path));
      } }, 'Remove'));
    }
    return h('li', { class: 'pick', 'data-uid': m.uid },
      h('span', { class: 'avatar-wrap' }, avatar(m.nickname, m.avatar, 'small'),
        h('span', { class: `dot ${presence}`, title: presence, 'aria-label': presence })),
      h('span', { class: 'pick-text' }, h('strong', {}, me ? `${m.nickname} (you)` : m.nickname),
        h('small', {}, `${m.role} · ${presence}`)),
      actions.length ? h('span', { class: 'pick-actions' }, actions) : null);
  }));

  let settings = h('p', { class: 'muted' },
    `${info.visibility === 'private' ? 'Private group: invited people only.' : 'Public group: anyone can find and join it.'}`
    + ' Only the owner and admins change its settings.');
  if (mine === 'owner' || mine === 'admin') {
    const name = h('input', { name: 'name', value: info.name || '', required: true, maxlength: 64 });
    const radio = (value, label) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name: 'visibility', value, checked: (info.visibility || 'public') === value }), ` ${label}`);
    const pic = avatar(info.name, info.icon, 'large');
    let icon = info.icon || null;
    const iconInput = h('input', { type: 'file', accept: 'image/*', class: 'file-input' });
    iconInput.addEventListener('change', async () => {
      const file = iconInput.files[0];
      if (!file) return;
      await attempt(line, async () => {
        icon = (await upload(file, () => {}, file.name, 'icon')).fileId;
        paintAvatar(pic, name.value, icon);
      });
    });
    const form = h('form', { class: 'form', onsubmit: async (e) => {
      e.preventDefault();
      const body = {};
      const visibility = form.querySelector('input[name=visibility]:checked').value;
      if (name.value.trim() !== info.name) body.name = name.value.trim();
      if (visibility !== info.visibility) body.visibility = visibility;
      if (icon !== (info.icon || null)) body.icon = icon;
      if (!Object.keys(body).length) return;
      const saved = await attempt(line, () => api('PATCH', `/sessions/${encodeURIComponent(sid)}`, body));
      if (!saved) return;
      Object.assign(s, { name: saved.name, icon: saved.icon, visibility: saved.visibility });
      hooks.sessionsChanged(false);
      hooks.sessionChanged(sid);
      toast('Group saved.');
      reopen();
    } },
    h('div', { class: 'profile-head' }, pic, h('label', { class: 'button' }, 'Change icon', iconInput)),
    h('label', {}, 'Name ', name),
    h('fieldset', {}, h('legend', {}, 'Who can join'),
      radio('public', 'Public: anyone can find and join it'), radio('private', 'Private: invited people only')),
    h('button', { type: 'submit', class: 'primary' }, 'Save'));
    settings = form;
  }
  open(info.name || 'Group',
    h('section', { 'aria-labelledby': 'members-title' },
      h('h3', { id: 'members-title' }, `Members (${members.length})`), list),
    line,
    h('section', { 'aria-labelledby': 'settings-title' }, h('h3', { id: 'settings-title' }, 'Settings'), settings));
}

// ---- new private chat ------------------------------------------------------------

export function newChat() {
  const line = errorLine();
  const results = h('ul', { class: 'pick-list', 'aria-label': 'People' });
  const show = (people) => fill(results, people.length ? people.map((p) => h('li', { class: 'pick' },
    avatar(p.nickname, p.avatar),
    h('span', { class: 'pick-text' }, h('strong', {}, p.nickname)),
    h('button', { type: 'button', class: 'primary', onclick: () => startPrivate(p.uid, line) }, 'Message')))
    : h('li', { class: 'muted' }, 'Nobody found.'));
  const search = peopleSearch('Search people', 'Search people by name', line, { show, cleared: () => fill(results) });
  open('New private chat', search, line, results);
}

export async function startPrivate(uid, line) {
  const created = await attempt(line || errorLine(), () => api('POST', '/sessions', { type: 'private', uid }));
  if (!created) return;
  await hooks.reloadSessions();
  closeDialog();
  openChat(created.sid);
}

// ---- friends and notifications ---------------------------------------------------

export async function friends() {
  const line = errorLine();
  const requestsList = h('ul', { class: 'pick-list', 'aria-label': 'Friend requests' });
  const friendsList = h('ul', { class: 'pick-list', 'aria-label': 'Friends' });
  const notesList = h('ul', { class: 'pick-list', 'aria-label': 'Notifications' });
  const found = h('ul', { class: 'pick-list', 'aria-label': 'People found' });
  const search = peopleSearch('Find people to add', 'Find people to add', line, {
    show: (people) => fill(found, people.length ? people.map((p) => h('li', { class: 'pick' },
      avatar(p.nickname, p.avatar, 'small'), h('span', { class: 'pick-text' }, h('strong', {}, p.nickname)),
      h('button', { type: 'button', class: 'primary', onclick: async (e) => {
        const ok = await attempt(line, () => api('POST', '/friends', { uid: p.uid }));
        if (ok !== undefined) {
          e.target.disabled = true;
          e.target.textContent = ok.status === 'friends' ? 'Friends' : 'Request sent';
          refresh();
        }
      } }, 'Add friend'))) : h('li', { class: 'muted' }, 'Nobody found.')),
    cleared: () => fill(found),
  });
  open('Friends and notifications',
    invitationsSection(line),
    h('section', { 'aria-labelledby': 'requests-title' }, h('h3', { id: 'requests-title' }, 'Friend requests'), requestsList),
    h('section', { 'aria-labelledby': 'friends-title' }, h('h3', { id: 'friends-title' }, 'Friends'), friendsList),
    h('section', { 'aria-labelledby': 'add-title' }, h('h3', { id: 'add-title' }, 'Add a friend'), search, found),
    h('section', { 'aria-labelledby': 'notes-title' }, h('h3', { id: 'notes-title' }, 'Notifications'), notesList),
    blockedSection(line),
    line);
  const refresh = async () => {
    const [f, n] = await Promise.all([
      api('GET', '/friends').catch((e) => { line.textContent = e.message; return undefined; }),
      api('GET', '/notifications').catch((e) => { line.textContent = e.message; return undefined; }),
    ]);
    if (f) {
      const list = f.friends || [];
      list.forEach((x) => { rememberUser(x); state.presence.set(x.uid, x.presence || x.state || 'offline'); });
      (f.incoming || []).concat(f.outgoing || []).forEach(rememberUser);
      const requests = [...(f.incoming || []).map((x) => requestItem(x, true, line, refresh)),
        ...(f.outgoing || []).map((x) => requestItem(x, false, line, refresh))];
      fill(requestsList, requests.length ? requests : h('li', { class: 'muted' }, 'No open requests.'));
      fill(friendsList, list.length ? list.map((x) => friendItem(x, line, refresh)) : h('li', { class: 'muted' }, 'No friends yet.'));
    }
    if (n) {
      const items = n.notifications || [];
      fill(notesList, items.length ? items.map((x) => noteItem(x, refresh)) : h('li', { class: 'muted' }, 'Nothing new.'));
      state.notificationsUnread = typeof n.unread === 'number' ? n.unread : items.filter((x) => !x.read).length;
      hooks.notificationsChanged();
    }
  };
  hooks.refreshFriends = refresh;
  await refresh();
  // Opening the panel is seeing the notifications.
  const unread = [...notesList.querySelectorAll('li[data-unread]')].map((li) => li.dataset.id);
  await Promise.all(unread.map((id) => api('POST', `/notifications/${encodeURIComponent(id)}/read`).catch(() => {})));
  if (unread.length) {
    state.notificationsUnread = Math.max(0, state.notificationsUnread - unread.length);
    hooks.notificationsChanged();
  }
}

function requestItem(x, incoming, line, refresh) {
  return h('li', { class: 'pick', 'data-uid': x.uid },
    avatar(x.nickname, x.avatar, 'small'),
    h('span', { class: 'pick-text' }, h('strong', {}, x.nickname || '…'),
      h('small', {}, incoming ? 'wants to be your friend' : 'request sent')),
    incoming ? h('button', { type: 'button', class: 'primary', onclick: async () => {
      if (await attempt(line, () => api('POST', '/friends', { uid: x.uid })) !== undefined) refresh();
    } }, 'Accept') : null,
    h('button', { type: 'button', onclick: async () => {
      if (await attempt(line, () => api('DELETE', `/friends/${encodeURIComponent(x.uid)}`)) !== undefined) refresh();
    } }, incoming ? 'Decline' : 'Withdraw'),
    incoming ? blockButton(x, line, refresh) : null);
}

function friendItem(x, line, refresh) {
  const presence = state.presence.get(x.uid) || 'offline';
  return h('li', { class: 'pick', 'data-uid': x.uid },
    h('span', { class: 'avatar-wrap' }, avatar(x.nickname, x.avatar, 'small'), h('span', { class: `dot ${presence}`, 'aria-label': presence })),
    h('span', { class: 'pick-text' }, h('strong', {}, x.nickname || '…'), h('small', {}, presence)),
    h('button', { type: 'button', onclick: () => startPrivate(x.uid, line) }, 'Message'),
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!window.confirm(`Remove ${x.nickname} from your friends?`)) return;
      if (await attempt(line, () => api('DELETE', `/friends/${encodeURIComponent(x.uid)}`)) !== undefined) refresh();
    } }, 'Remove'),
    blockButton(x, line, refresh));
}

/** One notification: {id, kind, data, read, at}. */
function noteItem(n, refresh) {
  const data = n.data && typeof n.data === 'object' ? n.data : {};
  const who = data.nickname || (cachedUser(data.uid || data.by) || {}).nickname || 'Someone';
  if (!data.nickname && (data.uid || data.by) && !cachedUser(data.uid || data.by)) user(data.uid || data.by).then(() => refresh());
  const actions = [];
  let text;
  if (n.kind === 'joinFriend') {
    text = data.status === 'accepted' ? `${who} accepted your friend request` : `${who} sent you a friend request`;
  } else if (n.kind === 'removeFriend') {
    text = `${who} is no longer your friend`;
  } else if (n.kind === 'inviteSession' && data.pending) {
    // A stranger's invitation: answered in the Invitations section above.
    text = `${who} invited you to “${data.name || 'a group'}”`;
  } else if (n.kind === 'inviteSession') {
    text = `${who} added you to “${data.name || 'a group'}”`;
    if (data.sid) {
      actions.push(h('button', { type: 'button', onclick: async () => {
        closeDialog();
        await hooks.reloadSessions();
        openChat(data.sid);
      } }, 'Open'));
    }
  } else if (n.kind === 'mention') {
    text = `${who} mentioned you${data.quote ? `: “${data.quote}”` : ''}`;
    if (data.sid) {
      actions.push(h('button', { type: 'button', onclick: () => { closeDialog(); openChat(data.sid); } }, 'Open'));
    }
  } else {
    text = `${who}: ${n.kind || 'notification'}`;
  }
  return h('li', { class: `pick note${n.read ? ' read' : ''}`, 'data-id': n.id, 'data-unread': n.read ? null : '1' },
    avatar(who, data.avatar, 'small'),
    h('span', { class: 'pick-text' }, h('strong', {}, text), h('small', {}, n.at ? fmt.when(n.at) : '')),
    actions);
}

/** Opening a group is seeing the invitation to it: its unread `inviteSession` notifications are marked read. */
export async function invitationSeen(sid) {
  if (!state.notificationsUnread) return;
  const n = await api('GET', '/notifications').catch(() => null);
  if (!n) return;
  const seen = (n.notifications || []).filter((x) => !x.read && x.kind === 'inviteSession' && x.data && x.data.sid === sid);
  const done = await Promise.all(seen.map((x) => api('POST', `/notifications/${encodeURIComponent(x.id)}/read`)
    .then(() => true, () => false)));
  const marked = done.filter(Boolean).length;
  if (!marked) return;
  state.notificationsUnread = Math.max(0, (typeof n.unread === 'number' ? n.unread : state.notificationsUnread) - marked);
  hooks.notificationsChanged();
}

/** Counts unread notifications for the badge (silently nothing when they can't be read now). */
export async function countNotifications() {
  const n = await api('GET', '/notifications').catch(() => null);
  if (!n) return;
  state.notificationsUnread = typeof n.unread === 'number' ? n.unread : (n.notifications || []).filter((x) => !x.read).length;
  hooks.notificationsChanged();
}
