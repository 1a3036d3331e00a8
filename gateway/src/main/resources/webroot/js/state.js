// What the client knows: the user, sessions, loaded messages (deduplicated by
// sid+seq), the outbox of unacknowledged sends, user profiles and presence.
import { api, session } from './api.js';

export const state = {
  me: null,                 // {uid, login, nickname, gender, avatar}
  sessions: new Map(),      // sid → {sid, type, name, icon, lastSeq, readSeq, unread, lastMessage, peer, lastAt}
  chats: new Map(),         // sid → Chat (messages loaded so far)
  current: null,            // open sid
  presence: new Map(),      // uid → online|away|busy|offline
  outbox: [],               // [{sid, cid, msgType, content, fileId, file, at, error}]
  notificationsUnread: 0,
  showArchived: false,      // the list shows archived conversations instead of the others
};

/** The loaded part of one session's stream: contiguous seqs [minSeq, maxSeq]. */
export class Chat {
  constructor(sid) {
    this.sid = sid;
    this.bySeq = new Map();
    this.minSeq = Infinity;
    this.maxSeq = 0;
    this.olderMore = true;   // history before minSeq may exist
    this.firstSeq = 1;       // the oldest seq the server keeps (retention removed the ones before)
    this.loaded = false;     // first page fetched
    this.loading = false;
    this.readers = new Map(); // uid → readSeq of other members (read receipts)
    this.members = null;      // [{uid, nickname, avatar, role}] from the session info: the composer's @ list
  }

  /**
   * Adds a message; false if this seq was already there (dedupe). A change event (edit, delete,
   * reaction) is kept at its seq too, so the stream stays contiguous, and applied to its target.
   */
  add(message) {
    if (typeof message.seq !== 'number' || this.bySeq.has(message.seq)) return false;
    this.bySeq.set(message.seq, message);
    this.minSeq = Math.min(this.minSeq, message.seq);
    this.maxSeq = Math.max(this.maxSeq, message.seq);
    if (isChange(message)) applyChange(this.bySeq.get(message.target), message);
    return true;
  }

  /** Highest seq up to which nothing is missing (what `sync` should resume from). */
  contiguousTop() {
    if (!this.loaded) return null;
    let top = this.minSeq === Infinity ? 0 : this.minSeq;
    while (this.bySeq.has(top + 1)) top++;
    return this.minSeq === Infinity ? this.maxSeq : top;
  }

  ordered() {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  reset() {
    this.firstSeq = 1;
    this.bySeq.clear();
    this.minSeq = Infinity;
    this.maxSeq = 0;
    this.olderMore = true;
    this.loaded = false;
  }
}

/** Edits, deletions and reactions: messages of the stream that change an earlier one (`target`). */
/** Whether message `m` mentions the signed-in user (by uid, or everyone), and is someone else's. */
export function mentionsMe(m) {
  if (!m || !state.me || m.uid === state.me.uid || m.deleted || m.msgType === 'system') return false;
  return m.mentionAll === true || (Array.isArray(m.mentions) && m.mentions.includes(state.me.uid));
}

export function isChange(m) {
  return m && (m.msgType === 'edit' || m.msgType === 'delete' || m.msgType === 'reaction');
}

/**
 * Applies change event `ev` to message `t` unless `t` already shows it (history answers messages as
 * they are now: an edit at or below `editSeq`, a reaction at or below `reactSeq`, is in them). True when
 * `t` changed; `t.v` then counts up so its rendering is redone.
 */
export function applyChange(t, ev) {
  if (!t || isChange(t)) return false;
  if (ev.msgType === 'delete') {
    if (t.deleted) return false;
    Object.assign(t, { deleted: true, content: null, file: null, reactions: null, replyTo: null });
  } else if (ev.msgType === 'edit') {
    if (t.deleted || (t.editSeq || 0) >= ev.seq) return false;
    Object.assign(t, { content: ev.content, editedAt: ev.at, editSeq: ev.seq });
  } else {
    if (t.deleted || (t.reactSeq || 0) >= ev.seq) return false;
    const reactions = { ...(t.reactions || {}) };
    const by = (reactions[ev.emoji] || []).filter((uid) => uid !== ev.uid);
    if (ev.on) by.push(ev.uid);
    if (by.length) reactions[ev.emoji] = by;
    else delete reactions[ev.emoji];
    Object.assign(t, { reactions, reactSeq: ev.seq });
  }
  t.v = (t.v || 0) + 1;
  return true;
}

export function chat(sid) {
  if (!state.chats.has(sid)) state.chats.set(sid, new Chat(sid));
  return state.chats.get(sid);
}

// ---- users -----------------------------------------------------------------

const users = new Map(); // uid → profile or a pending promise

export function cachedUser(uid) {
  const u = users.get(uid);
  return u && !(u instanceof Promise) ? u : null;
}

export function rememberUser(profile) {
  if (profile && profile.uid) users.set(profile.uid, { ...(cachedUser(profile.uid) || {}), ...profile });
}

export function user(uid) {
  const known = users.get(uid);
  if (known) return Promise.resolve(known);
  const pending = api('GET', `/users/${encodeURIComponent(uid)}`)
    .then((p) => { users.set(uid, p); return p; })
    .catch(() => { const p = { uid, nickname: 'Unknown user' }; users.set(uid, p); return p; });
  users.set(uid, pending);
  return pending;
}

export function displayName(uid) {
  if (state.me && uid === state.me.uid) return state.me.nickname;
  const u = cachedUser(uid);
  return u ? u.nickname : '…';
}

// ---- sessions --------------------------------------------------------------

export function activity(s) {
  return Math.max(s.lastAt || 0, s.lastMessage ? s.lastMessage.at || 0 : 0);
}

export function sortedSessions() {
  return [...state.sessions.values()].sort((a, b) => activity(b) - activity(a));
}

/** A private session's other member: from `peer` when the server sends it, else from the member list. */
export async function peerOf(s) {
  if (s.type !== 'private') return null;
  if (s.peer && typeof s.peer === 'object') { rememberUser(s.peer); return s.peer; }
  if (typeof s.peer === 'string') return user(s.peer);
  try {
    const info = await api('GET', `/sessions/${encodeURIComponent(s.sid)}`);
    const other = (info.members || []).find((m) => m.uid !== session.uid);
    if (!other) return null;
    if (other.state) state.presence.set(other.uid, other.state);
    s.peer = other.uid;
    if (other.nickname) rememberUser({ uid: other.uid, nickname: other.nickname, avatar: other.avatar });
    return user(other.uid);
  } catch {
    return null;
  }
}

export function newCid() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 'c' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Logging out leaves nothing of Palaver's in the browser's storage (token, outbox, presence choice). */
export function forgetStored() {
  for (const storage of [localStorage, sessionStorage]) {
    for (const key of Object.keys(storage)) if (key.startsWith('palaver.')) storage.removeItem(key);
  }
}

// The outbox survives a reload: a message typed offline is still sent, with its cid.
const OUTBOX_KEY = 'palaver.outbox';

export function saveOutbox() {
  const keep = state.outbox.filter((m) => !m.error && !m.uploading).map(({ sid, cid, msgType, content, fileId, file, at }) =>
    ({ sid, cid, msgType, content, fileId, file, at }));
  localStorage.setItem(`${OUTBOX_KEY}.${session.uid}`, JSON.stringify(keep));
}

export function loadOutbox() {
  try {
    const saved = JSON.parse(localStorage.getItem(`${OUTBOX_KEY}.${session.uid}`) || '[]');
    state.outbox = Array.isArray(saved) ? saved.filter((m) => m && typeof m.cid === 'string') : [];
  } catch {
    state.outbox = [];
  }
}
