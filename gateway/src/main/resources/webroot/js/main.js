// Start-up and wiring: login/register, what the socket's events mean for the
// views, the banner, token refresh, desktop notifications.
import { $, h, fill, toast, paintAvatar } from './dom.js';
import { api, session, ApiError, loadLimits } from './api.js';
import { humanError } from './errors.js';
import { state, chat, loadOutbox, rememberUser, displayName, forgetStored, mentionsMe } from './state.js';
import { hooks } from './hooks.js';
import { conn, received, tombstoned, resume, markRead, cancelPendingReads } from './messaging.js';
import * as chatView from './chat.js';
import { renderSidebar } from './sidebar.js';
import * as panels from './panels.js';
import * as calls from './call.js';
import * as composer from './composer.js';
import * as admin from './admin.js';
import * as pins from './pins.js';
import * as switcher from './switcher.js';
import { openSearch } from './search.js';

// ---- auth view ---------------------------------------------------------------

function showAuth(message) {
  $('app-view').hidden = true;
  $('auth-view').hidden = false;
  $('auth-error').textContent = message || '';
  const first = $('login-form').hidden ? $('register-form').elements.login : $('login-form').elements.login;
  first.focus();
}

function selectTab(register) {
  $('tab-login').setAttribute('aria-selected', String(!register));
  $('tab-register').setAttribute('aria-selected', String(register));
  $('login-form').hidden = register;
  $('register-form').hidden = !register;
  $('auth-error').textContent = '';
}

async function submitAuth(e, path) {
  e.preventDefault();
  const form = e.target;
  const body = Object.fromEntries(new FormData(form));
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  $('auth-error').textContent = '';
  try {
    const answer = await api('POST', path, body);
    session.set({ uid: answer.uid, token: answer.token, expiresAt: answer.expiresAt });
    form.reset();
    askNotificationPermission();
    await enter();
  } catch (err) {
    $('auth-error').textContent = err.status === 409 ? 'An account with this email already exists.'
      : err.status === 401 ? 'Wrong email or password.' : err.message;
  } finally {
    button.disabled = false;
  }
}

function askNotificationPermission() {
  // Asked on a click (login), as browsers require; never nags again once decided.
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
}

// ---- entering the app ----------------------------------------------------------

async function enter() {
  try {
    state.me = await api('GET', '/users/me');
  } catch (e) {
    if (e.status === 401) { logout(false, 'Please log in.'); return; }
    showAuth(e.message);
    return;
  }
  rememberUser(state.me);
  await Promise.all([fileCookie(), loadLimits()]);
  scheduleRefresh();
  loadOutbox();
  $('auth-view').hidden = true;
  $('app-view').hidden = false;
  renderMe();
  admin.showEntry(state.me);
  await reloadSessions();
  conn.start();
  panels.countNotifications();
  seedPresence();
}

/** Friends' presence for the dots (co-members' comes with the member list and live events). */
async function seedPresence() {
  const f = await api('GET', '/friends').catch(() => null);
  if (!f) return;
  for (const x of f.friends || []) {
    rememberUser(x);
    state.presence.set(x.uid, x.presence || x.state || 'offline');
  }
  renderSidebar();
}

/**
 * A password change revokes every token and closes our socket with 4401; the answer carries a
 * fresh token. The socket is stopped first so that close isn't taken for a logout.
 */
async function changePassword(oldPassword, newPassword) {
  conn.stop();
  try {
    const fresh = await api('PUT', '/users/me/password', { oldPassword, newPassword });
    session.set({ uid: fresh.uid || session.uid, token: fresh.token, expiresAt: fresh.expiresAt });
    await fileCookie();
    scheduleRefresh();
    return fresh;
  } finally {
    conn.start();
  }
}

/** Lets <img>/<audio> load files: an HttpOnly cookie scoped to /api/v1/files. */
async function fileCookie() {
  await api('POST', '/files/cookie').catch(() => null);
}

let refreshTimer = 0;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const due = (session.expiresAt || 0) - Date.now() - 5 * 60000;
  refreshTimer = setTimeout(refreshToken, Math.max(30000, Math.min(due, 2 ** 31 - 1)));
}

async function refreshToken() {
  try {
    const fresh = await api('POST', '/auth/refresh');
    session.set({ uid: session.uid, token: fresh.token, expiresAt: fresh.expiresAt });
    await fileCookie();
    scheduleRefresh();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) refreshTimer = setTimeout(refreshToken, 60000);
  }
}

let loggingOut = false;
async function logout(callServer, message) {
  if (loggingOut) return;
  loggingOut = true;
  calls.hangUp();
  conn.stop(); // first: the server closes our socket with 4401 when it revokes the token
  cancelPendingReads();
  if (callServer) await api('POST', '/auth/logout').catch(() => {});
  loggingOut = false;
  clearTimeout(refreshTimer);
  session.set(null);
  forgetStored();
  $('presence-select').value = 'online';
  state.me = null;
  admin.showEntry(null);
  state.sessions.clear();
  state.chats.clear();
  state.outbox = [];
  state.presence.clear();
  presenceAsked.clear();
  state.notificationsUnread = 0;
  renderNotificationBadge();
  chatView.closeChat();
  chatView.forget();
  panels.closeDialog();
  switcher.close();
  showBanner(null);
  selectTab(false);
  showAuth(message);
}

function renderMe() {
  $('me-name').textContent = state.me.nickname;
  paintAvatar($('me-avatar'), state.me.nickname, state.me.avatar);
}

async function reloadSessions() {
  try {
    const list = await api('GET', '/sessions');
    const fresh = new Map();
    for (const s of list.sessions || []) {
      const old = state.sessions.get(s.sid);
      fresh.set(s.sid, { ...(old || {}), ...s, lastAt: Math.max(old ? old.lastAt || 0 : 0, s.lastAt || 0) });
      if (s.peer && typeof s.peer === 'object') {
        rememberUser(s.peer);
        if (s.peer.state || s.peer.presence) state.presence.set(s.peer.uid, s.peer.state || s.peer.presence);
      }
    }
    state.sessions = fresh;
    if (state.current && !fresh.has(state.current)) chatView.closeChat();
    renderSidebar();
    askPeerPresence();
  } catch (e) {
    if (e.status !== 401) toast(`Could not load your conversations: ${e.message}`, 'error');
  }
}

/** Presence dots for private chats with people who aren't friends: their state comes with the member list. */
const presenceAsked = new Set();
async function askPeerPresence() {
  if (!state.me) return;
  const ask = [...state.sessions.values()].filter((s) => s.type === 'private' && !presenceAsked.has(s.sid)
    && !(s.peer && state.presence.has(s.peer.uid || s.peer))).slice(0, 20);
  ask.forEach((s) => presenceAsked.add(s.sid));
  const infos = await Promise.all(ask.map((s) => api('GET', `/sessions/${encodeURIComponent(s.sid)}`).catch(() => null)));
  for (const info of infos) {
    for (const m of (info && info.members) || []) if (m.state && state.me && m.uid !== state.me.uid) state.presence.set(m.uid, m.state);
  }
  if (ask.length) renderSidebar();
}

// ---- what the socket tells (named events from socket.js) ---------------------

async function onReady() {
  // Heads first (unread counts, new sessions), then the missed messages, then the outbox.
  await reloadSessions();
  await resume();
  if (state.current) { chatView.renderHeader(); markRead(state.current); }
  sendPresence(false);
}

function onRead({ sid, uid, seq }) {
  if (uid === state.me.uid) {
    const s = state.sessions.get(sid);
    if (s && seq >= (s.lastSeq || 0)) { s.unread = 0; s.mentions = 0; s.readSeq = seq; renderSidebar(); }
  } else {
    const c = chat(sid);
    c.readers.set(uid, Math.max(c.readers.get(uid) || 0, seq || 0));
    if (sid === state.current) chatView.updateReceipts();
  }
}

/** The session's name, icon or visibility changed. */
function onSessionUpdated(change) {
  const s = state.sessions.get(change.sid);
  if (!s) return;
  Object.assign(s, change);
  renderSidebar();
  if (state.current === change.sid) chatView.renderHeader();
}

function onPresence({ uid, state: value }) {
  state.presence.set(uid, value);
  if (uid === state.me.uid) return;
  renderSidebar();
  if (state.current) chatView.renderHeader();
  refreshOpenFriends();
}

function onNotification({ notification }) {
  state.notificationsUnread++;
  renderNotificationBadge();
  refreshOpenFriends();
  // A mention's desktop notification comes from its message (incoming), with the text; not twice.
  if (notification.kind !== 'mention') desktopNotify('Palaver', notificationText(notification));
}

function onProfile({ uid }) {
  if (uid === state.me.uid) api('GET', '/users/me').then((me) => { state.me = me; renderMe(); }).catch(() => {});
}

function refreshOpenFriends() {
  if (hooks.refreshFriends && $('dialog').open) hooks.refreshFriends();
}

function notificationText(n) {
  const data = n.data || {};
  const who = data.nickname || 'Someone';
  return n.kind === 'joinFriend' ? (data.status === 'accepted' ? `${who} accepted your friend request` : `${who} sent you a friend request`)
    : n.kind === 'inviteSession' && data.pending ? `You were invited to “${data.name || 'a group'}”`
    : n.kind === 'inviteSession' ? `You were added to “${data.name || 'a group'}”`
      : n.kind === 'removeFriend' ? `${who} is no longer your friend`
        : n.kind === 'mention' ? `${who} mentioned you` : 'You have a new notification';
}

function renderNotificationBadge() {
  const badge = $('notif-badge');
  badge.hidden = !state.notificationsUnread;
  badge.textContent = String(state.notificationsUnread);
  $('friends').setAttribute('aria-label', `Friends and notifications${state.notificationsUnread ? `, ${state.notificationsUnread} new` : ''}`);
}

/** A message from someone else: desktop notification when the tab is hidden (muted: only when it mentions me). */
function incoming(m) {
  if (m.msgType === 'system') return;
  chatView.stoppedTyping(m.uid);
  if (!document.hidden && m.sid === state.current) return;
  const s = state.sessions.get(m.sid);
  const mention = mentionsMe(m);
  if (document.hidden && (!(s && s.muted) || mention)) {
    const where = (mention ? ' mentioned you' : '') + (s && s.type === 'group' ? ` in ${s.name}` : '');
    const body = m.msgType === 'text' ? String(m.content).slice(0, 140) : m.msgType === 'image' ? '🖼 Photo'
      : m.msgType === 'voice' ? '🎤 Voice message' : m.msgType === 'video' ? '🎬 Video' : '📎 File';
    desktopNotify(`${m.nickname || displayName(m.uid)}${where}`, body, m.sid);
  }
}

function desktopNotify(title, body, sid) {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: sid || 'palaver', icon: '/favicon.svg' });
    n.onclick = () => { window.focus(); if (sid) chatView.openChat(sid); n.close(); };
  } catch {
    // Some browsers only allow notifications from a service worker; the badge still shows.
  }
}

// ---- presence ------------------------------------------------------------------

function sendPresence(fromUser) {
  const value = $('presence-select').value;
  $('me-state').textContent = value;
  localStorage.setItem('palaver.presence', value);
  if (!fromUser && value === 'online') return;
  // Not connected: the next `ready` sends it again.
  conn.request({ type: 'presence', state: value }).catch(() => {});
}

// ---- connection banner -----------------------------------------------------------

let countdown = 0;
function onState(s) {
  clearInterval(countdown);
  if (s === 'online' || s === 'stopped' || s === 'connecting') { showBanner(null); return; }
  if (s === 'reconnecting') { showBanner('Reconnecting…', 'warn'); return; }
  const tick = () => {
    const secs = Math.max(0, Math.ceil((conn.retryAt - Date.now()) / 1000));
    const pending = state.outbox.length ? ` ${state.outbox.length} message${state.outbox.length === 1 ? '' : 's'} will be sent when it is back.` : '';
    showBanner(`Offline — reconnecting${secs ? ` in ${secs} s` : '…'}.${pending}`, 'offline', true);
  };
  tick();
  countdown = setInterval(tick, 1000);
}

function showBanner(text, kind, withRetry) {
  const banner = $('banner');
  banner.hidden = !text;
  banner.className = `banner ${kind || ''}`;
  document.body.classList.toggle('disconnected', Boolean(text));
  if (!text) { fill(banner); return; }
  fill(banner, h('span', {}, text), withRetry ? h('button', { type: 'button', class: 'link', onclick: () => conn.reconnectNow() }, 'Retry now') : null);
}

// ---- wiring --------------------------------------------------------------------

function wire() {
  $('tab-login').addEventListener('click', () => selectTab(false));
  $('tab-register').addEventListener('click', () => selectTab(true));
  $('login-form').addEventListener('submit', (e) => submitAuth(e, '/auth/login'));
  $('register-form').addEventListener('submit', (e) => submitAuth(e, '/users'));
  $('me-button').addEventListener('click', panels.profile);
  $('new-group').addEventListener('click', panels.newGroup);
  $('new-chat').addEventListener('click', panels.newChat);
  $('directory').addEventListener('click', panels.directory);
  $('search-messages').addEventListener('click', openSearch);
  $('friends').addEventListener('click', panels.friends);
  $('chat-call-voice').addEventListener('click', () => calls.start(state.current, false));
  $('chat-call-video').addEventListener('click', () => calls.start(state.current, true));
  $('chat-invite').addEventListener('click', panels.invite);
  $('chat-leave').addEventListener('click', panels.leave);
  $('chat-mute').addEventListener('click', () => pins.setFlag('muted'));
  $('chat-archive').addEventListener('click', () => pins.setFlag('archived'));
  $('show-archived').addEventListener('click', () => { state.showArchived = !state.showArchived; renderSidebar(); });
  $('chat-title').addEventListener('click', panels.groupSettings);
  $('back').addEventListener('click', () => { chatView.closeChat(); renderSidebar(); });
  $('session-filter').addEventListener('input', renderSidebar);
  $('messages').addEventListener('scroll', chatView.onScroll, { passive: true });
  $('dialog-close').addEventListener('click', panels.closeDialog);
  $('dialog').addEventListener('close', () => { hooks.refreshFriends = null; });
  $('lightbox-close').addEventListener('click', () => $('lightbox').close());
  $('lightbox').addEventListener('click', (e) => { if (e.target === $('lightbox')) $('lightbox').close(); });
  const saved = localStorage.getItem('palaver.presence');
  if (saved) $('presence-select').value = saved;
  $('presence-select').addEventListener('change', () => sendPresence(true));
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.current) markRead(state.current);
  });
  composer.setUp();
  switcher.setUp();
  panels.setLogout((callServer, message) => logout(callServer,
    message || (callServer ? 'You are logged out.' : 'Log in with your new password.')));

  hooks.messagesChanged = (sid, how) => {
    if (sid === state.current) {
      chatView.renderMessages(how);
    }
    renderSidebar();
  };
  hooks.outboxChanged = (sid) => {
    if (sid === state.current) chatView.renderPending();
    if (conn.state === 'offline') onState('offline');
  };
  hooks.sessionsChanged = (reload) => (reload ? reloadSessions() : renderSidebar());
  hooks.historyState = chatView.historyState;
  hooks.incoming = incoming;
  hooks.profileChanged = () => { renderMe(); renderSidebar(); };
  hooks.notificationsChanged = renderNotificationBadge;
  hooks.chatOpened = panels.invitationSeen;
  hooks.sessionChanged = (sid) => { if (state.current === sid) chatView.renderHeader(); };
  hooks.reloadSessions = reloadSessions;
  hooks.changePassword = changePassword;

  const on = (name, handler) => conn.addEventListener(name, (e) => handler(e.detail));
  on('state', onState);
  on('ready', onReady);
  on('ready', ({ iceServers }) => calls.setIceServers(iceServers));
  on('call', calls.onSignal);
  on('message', received);
  on('message-deleted', tombstoned);
  on('typing', ({ sid, uid }) => chatView.showTyping(sid, uid));
  on('read', onRead);
  on('membership', () => reloadSessions());
  on('members', ({ sid }) => { if (sid) chat(sid).members = null; }); // asked again at the next '@' 
  on('session-updated', onSessionUpdated);
  on('preferences', pins.applyPreferences);
  on('pins', pins.applyPreferences);
  on('presence', onPresence);
  on('notification', onNotification);
  on('friends-changed', refreshOpenFriends);
  on('profile', onProfile);
  on('server-error', ({ code, message }) => toast(humanError(code, message), 'error'));
  conn.addEventListener('unauthenticated', () => logout(false, 'Your session has ended. Please log in again.'));
  session.onUnauthenticated(() => logout(false, 'Your session has ended. Please log in again.'));
}

wire();
admin.wireAdmin();
if (session.token) enter();
else showAuth();

// For the browser tests and the curious: read-only view of the connection state.
window.palaver = Object.freeze({
  get state() { return conn.state; },
  get outbox() { return state.outbox.length; },
  get closeCode() { return conn.closeCode; },
  get closeCodes() { return conn.closeCodes.slice(); },
  call: calls.inspect,
});
