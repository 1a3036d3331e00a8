// Safety against strangers (issue 20): invitations to groups waiting for an answer, and blocking
// users. Sections of the friends panel and one button for a person's row, kept apart from panels.js.
import { h, fill, avatar } from './dom.js';
import { api } from './api.js';
import { hooks } from './hooks.js';

async function attempt(line, fn) {
  line.textContent = '';
  try {
    return await fn();
  } catch (e) {
    line.textContent = e.message;
    return undefined;
  }
}

/** "Invitations": a stranger's invitations to groups, each accepted (then joined) or declined. */
export function invitationsSection(line) {
  const list = h('ul', { class: 'pick-list', id: 'invitations', 'aria-label': 'Invitations' });
  const refresh = async () => {
    const answer = await api('GET', '/invitations').catch((e) => { line.textContent = e.message; return undefined; });
    if (!answer) return;
    const items = answer.invitations || [];
    fill(list, items.length ? items.map((x) => invitationItem(x, line, refresh)) : h('li', { class: 'muted' }, 'No invitations.'));
  };
  refresh();
  return h('section', { 'aria-labelledby': 'invitations-title' }, h('h3', { id: 'invitations-title' }, 'Invitations'), list);
}

function invitationItem(x, line, refresh) {
  const sid = encodeURIComponent(x.sid);
  return h('li', { class: 'pick', 'data-sid': x.sid },
    avatar(x.name || 'Group', null, 'small'),
    h('span', { class: 'pick-text' }, h('strong', {}, x.name || 'A group'), h('small', {}, 'invites you to join')),
    h('button', { type: 'button', class: 'primary', 'data-action': 'accept', onclick: async () => {
      if (await attempt(line, () => api('POST', `/invitations/${sid}`)) === undefined) return;
      await hooks.reloadSessions();
      refresh();
    } }, 'Accept'),
    h('button', { type: 'button', 'data-action': 'decline', onclick: async () => {
      if (await attempt(line, () => api('DELETE', `/invitations/${sid}`)) !== undefined) refresh();
    } }, 'Decline'));
}

/** "Blocked": the users the caller blocks, each unblocked with one button. */
export function blockedSection(line) {
  const list = h('ul', { class: 'pick-list', id: 'blocked-users', 'aria-label': 'Blocked users' });
  const refresh = async () => {
    const answer = await api('GET', '/blocks').catch((e) => { line.textContent = e.message; return undefined; });
    if (!answer) return;
    const items = answer.blocked || [];
    fill(list, items.length ? items.map((x) => h('li', { class: 'pick', 'data-uid': x.uid },
      avatar(x.nickname, x.avatar, 'small'), h('span', { class: 'pick-text' }, h('strong', {}, x.nickname || '…')),
      h('button', { type: 'button', 'data-action': 'unblock', onclick: async () => {
        if (await attempt(line, () => api('DELETE', `/blocks/${encodeURIComponent(x.uid)}`)) !== undefined) refresh();
      } }, 'Unblock'))) : h('li', { class: 'muted' }, 'Nobody blocked.'));
  };
  hooks.refreshBlocked = refresh;
  refresh();
  return h('section', { 'aria-labelledby': 'blocked-title' }, h('h3', { id: 'blocked-title' }, 'Blocked'), list);
}

/** A "Block" button for a person's row: they can't befriend, invite or message the caller any more. */
export function blockButton(person, line, after) {
  return h('button', { type: 'button', class: 'danger', 'data-action': 'block', onclick: async () => {
    if (!window.confirm(`Block ${person.nickname || 'this user'}? They can't send you friend requests, invite you or message you privately.`)) return;
    if (await attempt(line, () => api('POST', '/blocks', { uid: person.uid })) === undefined) return;
    hooks.refreshBlocked();
    if (after) after();
  } }, 'Block');
}
