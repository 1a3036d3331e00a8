// Messages over the socket: the outbox (resent with the same cid until acked),
// resume with `sync` after every (re)connect, history paging, reads, typing.
import { api, session } from './api.js';
import { Connection } from './socket.js';
import { state, chat, newCid, saveOutbox, activity, isChange, applyChange, mentionsMe } from './state.js';
import { hooks } from './hooks.js';

export const conn = new Connection(() => session.token);

const PAGE = 50;

/** Queues a message and sends it now if connected; it stays in the outbox until acked. */
export function enqueue(draft) {
  const item = { cid: newCid(), at: Date.now(), content: '', ...draft };
  state.outbox.push(item);
  saveOutbox();
  hooks.outboxChanged(item.sid);
  if (!item.uploading) transmit(item);
  return item;
}

export function transmit(item) {
  if (item.inFlight || item.uploading) return;
  const frame = { type: 'send', sid: item.sid, cid: item.cid, msgType: item.msgType, content: item.content };
  if (item.fileId) frame.fileId = item.fileId;
  if (item.replyTo) frame.replyTo = item.replyTo.seq;
  if (item.mentions && item.mentions.length) frame.mentions = item.mentions;
  if (item.mentionAll) frame.mentionAll = true;
  item.inFlight = true;
  conn.request(frame).then((ack) => {
    item.inFlight = false;
    acknowledged(item, ack);
  }, (err) => {
    item.inFlight = false;
    if (err.code === 'disconnected') return; // resent after the reconnect
    if (err.code === 'timeout' || err.code === 'unavailable' || err.code === 'rate_limited' || err.code === 'internal') {
      // Retried with the same cid: the server stores it at most once.
      setTimeout(() => { if (state.outbox.includes(item) && conn.ready) transmit(item); }, 3000);
      return;
    }
    item.error = err.message || 'Not sent';
    saveOutbox();
    hooks.outboxChanged(item.sid);
  });
}

/** The ack carries seq/id/at: the message takes its place in the stream unless its frame came first. */
function acknowledged(item, ack) {
  state.outbox = state.outbox.filter((m) => m.cid !== item.cid);
  saveOutbox();
  const c = chat(item.sid);
  const message = {
    type: 'message', sid: ack.sid, id: ack.id, seq: ack.seq, at: ack.at, uid: state.me.uid,
    nickname: state.me.nickname, avatar: state.me.avatar, msgType: item.msgType, content: item.content,
    file: item.file || null,
  };
  if (item.replyTo) message.replyTo = item.replyTo;
  if (c.loaded) {
    if (c.maxSeq > 0 && ack.seq > c.maxSeq + 1) requestSync([item.sid]);
    c.add(message);
  }
  const s = state.sessions.get(item.sid);
  if (!s || ack.seq > (s.lastSeq || 0)) noteActivity(message, true);
  hooks.outboxChanged(item.sid);
  hooks.messagesChanged(item.sid);
}

export function retry(cid) {
  const item = state.outbox.find((m) => m.cid === cid);
  if (!item) return;
  item.error = null;
  saveOutbox();
  hooks.outboxChanged(item.sid);
  transmit(item);
}

export function discard(cid) {
  const item = state.outbox.find((m) => m.cid === cid);
  state.outbox = state.outbox.filter((m) => m.cid !== cid);
  saveOutbox();
  if (item) hooks.outboxChanged(item.sid);
}

/** A live or synced `message` frame: deduplicated by sid+seq, gaps trigger a sync. */
export function received(m) {
  const c = chat(m.sid);
  const s = state.sessions.get(m.sid);
  // The sidebar knows each stream's head: anything at or below it is not news (already counted).
  const known = Boolean(s) && m.seq <= (s.lastSeq || 0);
  let added = false;
  if (c.loaded) {
    if (c.maxSeq > 0 && m.seq > c.maxSeq + 1) requestSync([m.sid]);
    added = c.add(m);
  }
  if (!known) noteActivity(m, true);
  if (added || !known) hooks.messagesChanged(m.sid);
  if (!known && m.uid !== state.me.uid && !isChange(m)) hooks.incoming(m);
}

/**
 * Edit, delete and react (docs/protocol.md "Editing, deleting, reacting, replying"): the server answers
 * `ok` and sends the change event to every member's sockets, this one too, where `received` applies it.
 */
export function editMessage(sid, seq, content) {
  return conn.request({ type: 'edit', sid, seq, content, cid: newCid() });
}

export function deleteMessage(sid, seq) {
  return conn.request({ type: 'delete', sid, seq, cid: newCid() });
}

export function react(sid, seq, emoji, on) {
  return conn.request({ type: 'react', sid, seq, emoji, on, cid: newCid() });
}

/** `messageDeleted`: the loaded message at that seq becomes a tombstone (content and file gone). */
export function tombstoned({ sid, seq }) {
  const m = chat(sid).bySeq.get(seq);
  if (m && !m.deleted) Object.assign(m, { deleted: true, content: null, file: null, reactions: null, replyTo: null, v: (m.v || 0) + 1 });
  const s = state.sessions.get(sid);
  if (s && s.lastMessage && s.lastMessage.seq === seq) Object.assign(s.lastMessage, { deleted: true, content: null, file: null });
  hooks.messagesChanged(sid);
  hooks.sessionsChanged(false);
}

/** Sidebar bookkeeping for a message: last seq, preview, unread. */
function noteActivity(m, isNew) {
  const s = state.sessions.get(m.sid);
  if (!s) {
    hooks.sessionsChanged(true);
    return;
  }
  if (isChange(m)) {
    // Changes take seqs but are not news: no preview, no unread (the server leaves them out too).
    if (m.seq > (s.lastSeq || 0)) s.lastSeq = m.seq;
    if (s.lastMessage && s.lastMessage.seq === m.target && s.lastMessage !== chat(m.sid).bySeq.get(m.target)) {
      applyChange(s.lastMessage, m);
    }
    hooks.sessionsChanged(false);
    return;
  }
  if (m.seq > (s.lastSeq || 0)) {
    s.lastSeq = m.seq;
    s.lastMessage = m;
    s.lastAt = Math.max(activity(s), m.at || 0);
    // The server's rule (docs/protocol.md, session list `unread`): everything others wrote after the
    // read position, system notices included, so the badge does not jump on reload.
    if (isNew && m.uid !== state.me.uid) s.unread = (s.unread || 0) + 1;
    if (isNew && mentionsMe(m)) s.mentions = (s.mentions || 0) + 1;
  }
  hooks.sessionsChanged(false);
  // Writing is reading, and the server knows it without being told: it counts unread from the read
  // position or the writer's own newest message, whichever is higher (docs/protocol.md, `unread`), so a
  // send costs no `read` frame. Only the local position follows.
  if (m.uid === state.me.uid && m.msgType !== 'system' && m.seq > (s.readSeq || 0)) s.readSeq = m.seq;
}

let syncing = null;

/** Resume: every loaded chat asks for what came after its last contiguous seq. */
export async function resume() {
  const positions = {};
  for (const c of state.chats.values()) {
    const top = c.contiguousTop();
    if (top !== null && state.sessions.has(c.sid)) positions[c.sid] = top;
  }
  await doSync(positions);
  for (const item of state.outbox) transmit(item);
}

const syncWanted = new Set(); // sids whose gap showed up while a sync was running

function requestSync(sids) {
  sids.forEach((sid) => syncWanted.add(sid));
  if (syncing) return;
  const positions = {};
  for (const sid of syncWanted) {
    const top = chat(sid).contiguousTop();
    if (top !== null) positions[sid] = top;
  }
  syncWanted.clear();
  doSync(positions);
}

async function doSync(positions) {
  if (Object.keys(positions).length === 0) return;
  syncing = conn.request({ type: 'sync', positions }, 30000);
  try {
    const done = await syncing;
    // Sessions with more than one sync page start again from their newest page, and so do those
    // whose position was older than what retention kept (firstSeqs): the new page says where it starts.
    const restart = new Set([...(done.more || []), ...Object.keys(done.firstSeqs || {})]);
    for (const sid of restart) {
      chat(sid).reset();
      if (sid === state.current) await loadPage(sid);
    }
  } catch {
    // The next reconnect syncs again.
  } finally {
    syncing = null;
    if (syncWanted.size) requestSync([]);
  }
}

/** The newest page, or the page before `before`. */
export async function loadPage(sid, before) {
  const c = chat(sid);
  if (c.loading) return;
  c.loading = true;
  hooks.historyState(sid, 'loading');
  try {
    const query = before ? `?before=${before}&limit=${PAGE}` : `?limit=${PAGE}`;
    const page = await api('GET', `/sessions/${encodeURIComponent(sid)}/messages${query}`);
    for (const m of page.messages || []) c.add(m);
    c.olderMore = Boolean(page.more);
    c.firstSeq = page.firstSeq || 1;
    const firstLoad = !c.loaded;
    c.loaded = true;
    // Live messages that came while the first page was on its way were not kept: fetch them.
    const s = state.sessions.get(sid);
    if (firstLoad && s && (s.lastSeq || 0) > c.maxSeq) requestSync([sid]);
    hooks.historyState(sid, 'done');
    hooks.messagesChanged(sid, before ? 'prepend' : 'initial');
  } catch (e) {
    hooks.historyState(sid, 'error', e.message);
  } finally {
    c.loading = false;
  }
}

/**
 * Tells the server (and so the other members) how far this user has read: up to
 * what is loaded now, not what may arrive before the (debounced) frame goes out.
 */
const readTimers = new Map(); // sid → pending read frame (one per session: switching chats must not cancel it)
export function markRead(sid) {
  if (document.hidden) return; // read when the tab is seen again (visibilitychange)
  const s = state.sessions.get(sid);
  if (!s) return;
  const seq = Math.max(chat(sid).maxSeq, s.lastSeq || 0);
  const changed = seq > (s.readSeq || 0) || s.unread || s.mentions;
  s.unread = 0;
  s.mentions = 0; // reading past them clears them (the server counts above readSeq)
  if (!changed) return;
  s.readSeq = Math.max(s.readSeq || 0, seq);
  hooks.sessionsChanged(false);
  clearTimeout(readTimers.get(sid));
  readTimers.set(sid, setTimeout(() => {
    readTimers.delete(sid);
    if (!conn.send({ type: 'read', sid, seq: s.readSeq })) {
      api('POST', `/sessions/${encodeURIComponent(sid)}/read`, { seq: s.readSeq }).catch(() => {});
    }
  }, 300));
}

/** On logout: read positions not sent yet belong to the user who left. */
export function cancelPendingReads() {
  for (const timer of readTimers.values()) clearTimeout(timer);
  readTimers.clear();
}

let lastTyping = 0;
export function sendTyping(sid) {
  if (Date.now() - lastTyping < 3000) return;
  lastTyping = Date.now();
  conn.send({ type: 'typing', sid });
}
