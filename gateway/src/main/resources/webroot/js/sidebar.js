// The conversation list: ordered by activity, unread badges, previews, presence dots. Archived
// conversations are listed apart (the "Archived" toggle); muted ones show 🔕 and a grey badge.
import { $, h, fill, avatar, icon } from './dom.js';
import { state, sortedSessions, peerOf, cachedUser, displayName } from './state.js';
import { openChat } from './chat.js';
import * as fmt from './format.js';

export function renderSidebar() {
  const filter = $('session-filter').value.trim().toLowerCase();
  const all = sortedSessions().filter((s) => !filter || titleOf(s).toLowerCase().includes(filter));
  const archived = all.filter((s) => s.archived);
  const list = state.showArchived ? archived : all.filter((s) => !s.archived);
  $('no-sessions').hidden = state.sessions.size > 0;
  fill($('session-list'), list.map(item));
  const toggle = $('show-archived');
  const archivedTotal = [...state.sessions.values()].filter((s) => s.archived).length;
  toggle.hidden = archivedTotal === 0 && !state.showArchived;
  toggle.textContent = state.showArchived ? '← All conversations' : `Archived (${archivedTotal})`;
  toggle.setAttribute('aria-pressed', String(Boolean(state.showArchived)));
  // Muted conversations still show their badge, but don't count in the tab's title.
  const total = [...state.sessions.values()].filter((s) => !s.muted).reduce((n, s) => n + (s.unread || 0), 0);
  document.title = total ? `(${total}) Palaver` : 'Palaver';
}

/** A conversation's shown name: the peer's nickname for a private chat, else the group's name. */
export function titleOf(s) {
  if (s.type === 'private') {
    const peer = typeof s.peer === 'object' && s.peer ? s.peer : cachedUser(s.peer);
    return peer ? peer.nickname : (s.name || '…');
  }
  return s.name || 'Group';
}

function item(s) {
  const active = s.sid === state.current;
  const title = titleOf(s);
  const peerUid = s.type === 'private' ? (typeof s.peer === 'object' && s.peer ? s.peer.uid : s.peer) : null;
  const peer = peerUid ? cachedUser(peerUid) || (typeof s.peer === 'object' ? s.peer : null) : null;
  if (s.type === 'private' && !peer) peerOf(s).then((p) => { if (p) renderSidebar(); });
  const pic = avatar(title, s.type === 'private' ? peer && peer.avatar : s.icon);
  const presence = peerUid ? state.presence.get(peerUid) || 'offline' : null;
  const unread = s.unread || 0;
  return h('li', {
    class: `session${active ? ' active' : ''}${unread ? ' has-unread' : ''}${s.muted ? ' muted' : ''}`, role: 'option',
    'aria-selected': String(active), tabindex: '0', 'data-sid': s.sid,
    'aria-label': `${title}${s.muted ? ', muted' : ''}${unread ? `, ${unread} unread` : ''}`,
    onclick: () => openChat(s.sid),
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openChat(s.sid); } },
  },
  h('span', { class: 'avatar-wrap' }, pic,
    presence ? h('span', { class: `dot ${presence}`, title: presence, 'aria-label': presence }) : null),
  h('span', { class: 'session-text' },
    h('span', { class: 'session-top' },
      h('strong', { class: 'session-name' }, s.type === 'group' && s.visibility === 'private' ? `🔒 ${title}` : title),
      s.muted ? h('span', { class: 'muted-mark', title: 'Muted', 'aria-hidden': 'true' }, icon('bell-off')) : null,
      h('time', {}, fmt.when(s.lastMessage ? s.lastMessage.at : s.lastAt))),
    h('span', { class: 'session-bottom' },
      h('span', { class: 'preview' }, preview(s)),
      unread ? h('span', { class: 'badge', 'aria-hidden': 'true' }, unread > 99 ? '99+' : String(unread)) : null)));
}

function preview(s) {
  const m = s.lastMessage;
  if (!m) return s.type === 'private' ? 'Private chat' : 'No messages yet';
  const who = m.uid === state.me.uid ? 'You: ' : s.type === 'group' && m.nickname ? `${m.nickname}: ` : '';
  switch (m.msgType) {
    case 'system': return systemPreview(m);
    case 'image': return `${who}🖼 Photo`;
    case 'voice': return `${who}🎤 Voice message`;
    case 'file': return `${who}📎 ${m.file && m.file.name ? m.file.name : 'File'}`;
    default: return who + String(m.content || '').replace(/\s+/g, ' ').slice(0, 120);
  }
}

function systemPreview(m) {
  const c = m.content && typeof m.content === 'object' ? m.content : {};
  const actor = m.nickname || displayName(m.uid);
  return { create: `${actor} created the group`, join: `${actor} joined`, leave: `${actor} left`,
    invite: `${actor} added someone`, remove: `${actor} removed someone`, rename: `${actor} renamed the group`,
    edit: `${actor} changed the group`, role: `${actor} changed a role` }[c.action] || 'Group updated';
}
