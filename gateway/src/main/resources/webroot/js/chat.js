// The open conversation: header, message list (day separators, bubbles,
// system notices, receipts), upward infinite scroll, typing indicator.
import { $, h, fill, avatar, paintAvatar, icon, toast } from './dom.js';
import { api, fileUrl, thumbUrl, posterUrl } from './api.js';
import { state, chat, displayName, user, peerOf, cachedUser, rememberUser, isChange, mentionsMe } from './state.js';
import { loadPage, markRead, retry, discard, deleteMessage, react } from './messaging.js';
import { startEdit, startReply, cancelContext } from './composer.js';
import * as fmt from './format.js';
import { richText, mentionLabels } from './richtext.js';
import { hooks } from './hooks.js';
import { pinToggle, renderChatFlags } from './pins.js';
import { showMessage } from './search.js';

const elements = new Map(); // `${sid}:${seq}` → rendered message element (reused across renders)
const typingUntil = new Map(); // uid → time the indicator expires for the open chat

export function openChat(sid) {
  const s = state.sessions.get(sid);
  if (!s) return;
  state.current = sid;
  cancelContext();
  typingUntil.clear();
  renderTyping();
  $('chat-empty').hidden = true;
  $('chat-pane').hidden = false;
  document.body.classList.add('in-chat');
  renderHeader();
  fill($('message-list'));
  fill($('day-strip'));
  renderPending();
  const c = chat(sid);
  if (c.loaded) renderMessages('initial');
  else loadPage(sid);
  refreshMembers(sid);
  markRead(sid);
  hooks.sessionsChanged(false);
  hooks.chatOpened(sid);
  $('message-input').focus();
}

/** Forgets rendered messages (they show "mine" from one user's point of view): on logout. */
export function forget() {
  elements.clear();
  fill($('message-list'));
  fill($('pending-list'));
}

export function closeChat() {
  state.current = null;
  document.body.classList.remove('in-chat');
  $('chat-pane').hidden = true;
  $('chat-empty').hidden = false;
}

export async function renderHeader() {
  const s = state.sessions.get(state.current);
  if (!s) return;
  renderChatFlags();
  const group = s.type !== 'private';
  $('chat-invite').hidden = !group;
  $('chat-leave').hidden = !group;
  $('chat-call-voice').hidden = group;
  $('chat-call-video').hidden = group;
  $('chat-title').disabled = !group; // a group's title opens its members and settings
  $('chat-title').title = group ? 'Members and group settings' : '';
  if (group) {
    $('chat-name').textContent = s.name || 'Group';
    $('chat-sub').textContent = s.visibility === 'private' ? 'Private group' : 'Public group';
    paintAvatar($('chat-avatar'), s.name, s.icon);
    return;
  }
  $('chat-name').textContent = s.name || (s.peer && s.peer.nickname) || '…';
  const peer = await peerOf(s);
  if (!peer || state.current !== s.sid) return;
  $('chat-name').textContent = peer.nickname;
  const presence = state.presence.get(peer.uid) || 'offline';
  $('chat-sub').textContent = presence === 'offline' ? 'offline' : presence;
  paintAvatar($('chat-avatar'), peer.nickname, peer.avatar);
}

/** Members' presence (the private chat's header) and read positions (receipts) from the session info. */
async function refreshMembers(sid) {
  try {
    const info = await api('GET', `/sessions/${encodeURIComponent(sid)}`);
    const c = chat(sid);
    c.members = (info.members || []).map((m) => ({ uid: m.uid, nickname: m.nickname, avatar: m.avatar, role: m.role }));
    for (const m of info.members || []) {
      if (m.state) state.presence.set(m.uid, m.state);
      if (m.nickname) rememberUser({ uid: m.uid, nickname: m.nickname, avatar: m.avatar });
      if (typeof m.readSeq === 'number') c.readers.set(m.uid, Math.max(c.readers.get(m.uid) || 0, m.readSeq));
      if (m.uid === state.me.uid) c.myRole = m.role;
    }
    if (sid === state.current) {
      renderHeader();
      // Mentions are shown by nickname: once the members are known, messages that carry some are redrawn.
      if (c.ordered().some((m) => m.mentions)) renderMessages();
      else updateReceipts();
    }
  } catch {
    // the header keeps what it knows
  }
}

/** Re-renders the open chat; keeps the reader where they were (or at the bottom when they were there). */
export function renderMessages(how) {
  const sid = state.current;
  if (!sid) return;
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const c = chat(sid);
  const nodes = [];
  let lastDay = null;
  let previous = null;
  for (const m of c.ordered()) {
    if (isChange(m)) continue; // applied to their targets, not shown
    const day = fmt.dayKey(m.at);
    if (day !== lastDay) {
      nodes.push(h('div', { class: 'day', role: 'separator' }, h('span', {}, fmt.dayLabel(m.at))));
      lastDay = day;
      previous = null;
    }
    const el = messageElement(m);
    const continued = previous && previous.uid === m.uid && previous.msgType !== 'system' && m.msgType !== 'system'
      && m.at - previous.at < 5 * 60000;
    el.classList.toggle('continued', Boolean(continued));
    nodes.push(el);
    previous = m;
  }
  $('message-list').replaceChildren(...nodes);
  updateReceipts();
  if (how === 'initial' || atBottom) box.scrollTop = box.scrollHeight;
  else box.scrollTop = box.scrollHeight - fromBottom;
  if (how === 'initial') fillViewport();
  showDay();
  if (atBottom || how === 'initial') markRead(sid);
}

/** Loads older pages until the list can scroll (so the scroll-up trigger can fire). */
function fillViewport() {
  const box = $('messages');
  const c = chat(state.current);
  if (c.olderMore && box.scrollHeight <= box.clientHeight + 40 && c.minSeq !== Infinity && c.minSeq > 1) {
    loadPage(c.sid, c.minSeq);
  }
}

export function onScroll() {
  const box = $('messages');
  if (!state.current) return;
  showDay();
  const c = chat(state.current);
  if (box.scrollTop < 120 && c.loaded && c.olderMore && !c.loading && c.minSeq !== Infinity && c.minSeq > 1) {
    loadPage(c.sid, c.minSeq);
  }
  if (box.scrollHeight - box.scrollTop - box.clientHeight < 40) markRead(state.current);
}

/** The strip above the list names the day of the topmost message in view (the list's own separators scroll with it). */
function showDay() {
  const top = $('messages').getBoundingClientRect().top;
  let label = '';
  for (const day of $('message-list').querySelectorAll('.day')) {
    if (day.getBoundingClientRect().top > top + 4) break;
    label = day.textContent;
  }
  $('day-strip').textContent = label;
}

export function historyState(sid, phase, message) {
  if (sid !== state.current) return;
  const c = chat(sid);
  const el = $('history-status');
  if (phase === 'loading') fill(el, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Loading messages…');
  else if (phase === 'error') fill(el, `Could not load messages: ${message}`);
  else if (!c.olderMore && c.firstSeq > 1) fill(el, 'Older messages were removed by the retention policy.');
  else if (!c.olderMore) fill(el, c.bySeq.size ? 'This is the beginning of the conversation.' : 'No messages yet. Say hello!');
  else fill(el);
}

function messageElement(m) {
  const key = `${m.sid}:${m.seq}:${m.v || 0}`;
  let el = elements.get(key);
  if (el) return el;
  el = m.msgType === 'system' ? systemElement(m) : bubble(m);
  el.dataset.seq = String(m.seq);
  elements.set(key, el);
  return el;
}

function systemElement(m) {
  const content = m.content && typeof m.content === 'object' ? m.content : {};
  const actor = m.nickname || displayName(m.uid);
  const el = h('div', { class: 'system', role: 'note' });
  const target = content.member || content.owner || null;
  const write = (targetName) => {
    const t = targetName || 'someone';
    const text = {
      create: `${actor} created the group “${content.name || ''}”`,
      join: `${actor} joined`,
      leave: content.owner ? `${actor} left; ${t} is now the owner` : `${actor} left`,
      invite: `${actor} added ${t}`,
      remove: `${actor} removed ${t}`,
      role: `${actor} made ${t} ${content.role === 'owner' ? 'the owner' : content.role === 'admin' ? 'an admin' : 'a member'}`,
      rename: `${actor} renamed the group to “${content.name || ''}”`,
      edit: content.name ? `${actor} renamed the group to “${content.name}”` : `${actor} changed the group settings`,
    }[content.action] || `${actor} updated the conversation`;
    fill(el, h('span', {}, text), h('time', { datetime: new Date(m.at).toISOString() }, fmt.time(m.at)));
  };
  write(target ? displayName(target) : null);
  if (target && !cachedUser(target)) user(target).then((u) => write(u.nickname));
  return el;
}

const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'];

function bubble(m) {
  const mine = state.me && m.uid === state.me.uid;
  const body = h('div', { class: 'bubble' });
  if (!mine) body.append(h('div', { class: 'author' }, m.nickname || displayName(m.uid)));
  if (m.replyTo && !m.deleted) body.append(replyQuote(m));
  body.append(content(m));
  body.append(h('div', { class: 'meta' },
    m.editedAt && !m.deleted
      ? h('span', { class: 'edited', title: `edited ${new Date(m.editedAt).toLocaleString()}` }, `edited ${fmt.time(m.editedAt)}`)
      : null,
    h('time', { datetime: new Date(m.at).toISOString(), title: new Date(m.at).toLocaleString() }, fmt.time(m.at)),
    mine ? h('span', { class: 'receipt', 'aria-label': 'sent' }, '✓') : null, pinToggle(m)));
  const chips = reactionChips(m);
  if (chips) body.append(chips);
  return h('div', { class: `msg ${mine ? 'mine' : 'theirs'}${mentionsMe(m) ? ' mentions-me' : ''}`, 'data-uid': m.uid },
    mine ? null : avatar(m.nickname, m.avatar, 'small'), body, m.deleted ? null : actions(m, mine));
}

/** The quoted message a reply answers; a click shows it (loading older history when needed). */
function replyQuote(m) {
  const r = m.replyTo;
  return h('button', { type: 'button', class: 'reply-quote', 'aria-label': `In reply to ${r.nickname || 'a message'}`,
    onclick: () => showMessage(m.sid, r.seq) },
  h('strong', {}, r.nickname || displayName(r.uid)), h('span', {}, r.quote || `[${r.msgType}]`));
}

/** One chip per emoji: count, who (title), pressed when the user is among them; a click toggles theirs. */
function reactionChips(m) {
  const entries = Object.entries(m.reactions || {}).filter(([, uids]) => uids && uids.length);
  if (!entries.length || m.deleted) return null;
  return h('div', { class: 'reactions' }, entries.map(([emoji, uids]) => {
    const on = uids.includes(state.me.uid);
    return h('button', { type: 'button', class: `reaction${on ? ' on' : ''}`, 'aria-pressed': on ? 'true' : 'false',
      title: uids.map((uid) => (uid === state.me.uid ? 'you' : displayName(uid))).join(', '),
      'aria-label': `${emoji} ${uids.length}`, onclick: () => toggleReaction(m, emoji, !on) },
    `${emoji} ${uids.length}`);
  }));
}

function toggleReaction(m, emoji, on) {
  react(m.sid, m.seq, emoji, on).catch((e) => toast(`Reaction not saved: ${e.message || e.code}`, 'error'));
}

/** The message menu: quick reactions, reply, and edit / delete where allowed. */
function actions(m, mine) {
  const c = chat(m.sid);
  const moderator = c.myRole === 'owner' || c.myRole === 'admin';
  const buttons = QUICK_REACTIONS.map((emoji) => h('button', { type: 'button', class: 'icon small',
    'aria-label': `React ${emoji}`, title: `React ${emoji}`,
    onclick: () => toggleReaction(m, emoji, !((m.reactions || {})[emoji] || []).includes(state.me.uid)) }, emoji));
  buttons.push(h('button', { type: 'button', class: 'link', 'aria-label': 'Reply', onclick: () => startReply(m) }, 'Reply'));
  if (mine && m.msgType === 'text') {
    buttons.push(h('button', { type: 'button', class: 'link', 'aria-label': 'Edit message', onclick: () => startEdit(m) }, 'Edit'));
  }
  if (mine || moderator) {
    buttons.push(h('button', { type: 'button', class: 'link danger', 'aria-label': 'Delete message', onclick: () => {
      if (!window.confirm('Delete this message for everyone?')) return;
      deleteMessage(m.sid, m.seq).catch((e) => toast(`Not deleted: ${e.message || e.code}`, 'error'));
    } }, 'Delete'));
  }
  return h('div', { class: 'msg-actions', role: 'toolbar', 'aria-label': 'Message actions' }, buttons);
}

/** A nickname the client knows (its own, the cached profiles, which include the open chat's members), or null. */
function knownNickname(uid) {
  if (state.me && uid === state.me.uid) return state.me.nickname;
  const u = cachedUser(uid);
  return u ? u.nickname : null;
}

function content(m) {
  if (m.deleted) return h('div', { class: 'text muted deleted' }, 'Message deleted');
  const file = m.file || null;
  if (m.msgType === 'image' && file) {
    const img = h('img', { class: 'thumb', alt: file.name || 'image', loading: 'lazy',
      src: file.thumbId || file.fileId ? thumbUrl(file.fileId) : '' });
    img.addEventListener('error', () => { if (!img.dataset.full) { img.dataset.full = '1'; img.src = fileUrl(file.fileId); } });
    return h('button', { type: 'button', class: 'image-button', 'aria-label': `Open image ${file.name || ''}`,
      onclick: () => openLightbox(file) }, img);
  }
  if (m.msgType === 'voice' && file) {
    return h('div', { class: 'voice' }, icon('mic'),
      h('audio', { controls: true, preload: 'metadata', src: fileUrl(file.fileId), 'aria-label': 'Voice message' }),
      file.durationMs ? h('small', {}, fmt.duration(file.durationMs)) : null);
  }
  if (m.msgType === 'video' && file) return videoPlayer(file);
  if ((m.msgType === 'file' || m.msgType === 'image' || m.msgType === 'voice' || m.msgType === 'video') && file) {
    return fileCard(file);
  }
  if (m.msgType !== 'text' && !file) {
    return h('div', { class: 'text muted' }, m.content || `[${m.msgType}]`);
  }
  return h('div', { class: 'text' }, richText(typeof m.content === 'string' ? m.content : '', mentionLabels(m, state.me && state.me.uid, knownNickname)));
}

/** Shown before a video plays when it has no poster frame of its own: a play sign on a dark field. */
const GENERIC_POSTER = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" '
  + 'viewBox="0 0 320 180"><rect width="320" height="180" fill="#2b2f36"/><circle cx="160" cy="90" r="34" '
  + 'fill="#ffffff" fill-opacity=".85"/><path d="M148 72v36l30-18z" fill="#2b2f36"/></svg>')}`;

/** An inline player: the poster (or the generic one), the file's duration or, failing that, the player's. */
function videoPlayer(file) {
  const length = h('small', { class: 'video-duration' }, file.durationMs ? fmt.duration(file.durationMs) : '');
  const video = h('video', { controls: true, preload: 'metadata', playsinline: true, src: fileUrl(file.fileId),
    poster: file.posterId ? posterUrl(file.fileId) : GENERIC_POSTER, 'aria-label': `Video ${file.name || ''}` });
  // A live recording (MediaRecorder WebM) states no duration: the player learns it later, by durationchange.
  const learn = () => {
    if (!file.durationMs && Number.isFinite(video.duration)) length.textContent = fmt.duration(video.duration * 1000);
  };
  video.addEventListener('loadedmetadata', learn);
  video.addEventListener('durationchange', learn);
  return h('div', { class: 'video' }, video,
    h('div', { class: 'video-meta' }, length, h('a', { href: fileUrl(file.fileId), download: file.name || 'video' }, 'Download')));
}

function fileCard(file) {
  return h('a', { class: 'file-card', href: fileUrl(file.fileId), download: file.name || 'file',
    'aria-label': `Download ${file.name || 'file'}` },
  h('span', { class: 'file-icon' }, icon('file')),
  h('span', { class: 'file-text' }, h('strong', {}, file.name || 'file'), h('small', {}, `${fmt.size(file.size)} · ${file.mime || ''}`)),
  h('span', { class: 'download' }, icon('download')));
}

function openLightbox(file) {
  const box = $('lightbox');
  $('lightbox-img').src = fileUrl(file.fileId);
  $('lightbox-img').alt = file.name || 'image';
  $('lightbox-download').href = fileUrl(file.fileId);
  $('lightbox-download').setAttribute('download', file.name || 'image');
  box.showModal();
}

/** ✓ sent, ✓✓ read by someone else (members' readSeq when the chat opens, then `read` events). */
export function updateReceipts() {
  if (!state.current) return;
  const c = chat(state.current);
  let highest = 0;
  for (const [uid, seq] of c.readers) if (uid !== state.me.uid) highest = Math.max(highest, seq);
  for (const el of $('message-list').querySelectorAll('.msg.mine')) {
    const read = Number(el.dataset.seq) <= highest;
    const receipt = el.querySelector('.receipt');
    receipt.textContent = read ? '✓✓' : '✓';
    receipt.classList.toggle('read', read);
    receipt.setAttribute('aria-label', read ? 'read' : 'sent');
  }
}

/** Messages not acknowledged yet: uploading, waiting for the connection, or failed. */
export function renderPending() {
  const items = state.outbox.filter((m) => m.sid === state.current);
  fill($('pending-list'), items.map((item) => {
    const status = item.error
      ? h('span', { class: 'failed', role: 'alert' }, `⚠ ${item.error} `,
        item.uploading ? null : h('button', { type: 'button', class: 'link', onclick: () => retry(item.cid) }, 'Retry'),
        h('button', { type: 'button', class: 'link', onclick: () => discard(item.cid) }, 'Remove'))
      : item.uploading
        ? h('span', {}, h('progress', { max: 1, value: item.progress || 0, 'aria-label': 'Upload progress' }), ' uploading…')
        : h('span', { class: 'clock', title: 'Not sent yet' }, '🕓 sending…');
    const preview = item.msgType === 'text'
      ? h('div', { class: 'text' }, item.content)
      : h('div', { class: 'text' }, `${item.msgType === 'voice' ? '🎤' : item.msgType === 'video' ? '🎬' : '📎'} ${item.file ? item.file.name : ''}`);
    return h('div', { class: 'msg mine pending', 'data-cid': item.cid },
      h('div', { class: 'bubble' }, preview, h('div', { class: 'meta' }, status)));
  }));
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

// ---- typing ------------------------------------------------------------------

export function showTyping(sid, uid) {
  if (sid !== state.current || uid === state.me.uid) return;
  typingUntil.set(uid, Date.now() + 4000);
  if (!cachedUser(uid)) user(uid).then(renderTyping);
  renderTyping();
  setTimeout(renderTyping, 4100);
}

export function stoppedTyping(uid) {
  typingUntil.delete(uid);
  renderTyping();
}

function renderTyping() {
  const now = Date.now();
  const names = [...typingUntil].filter(([, until]) => until > now).map(([uid]) => displayName(uid));
  $('typing').textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, 3).join(', ')} are typing…`;
}
