// The one WebSocket (/ws): auth, requests matched by rid, reconnect with
// backoff, and the only place that reads incoming frames. Every frame that is
// not an answer to a request becomes one named event on the Connection (see
// FRAME_EVENTS); the UI modules subscribe to those and never look at `type` or
// `event` themselves. What to do after `ready` (sync, resend the outbox) is
// the subscribers'.
//
// Events (CustomEvent, fields in `detail`):
//   state            'connecting' | 'reconnecting' | 'online' | 'offline' | 'stopped'
//   unauthenticated  closed with 4401: the user has to log in again
//   ready            authenticated, after every (re)connect: time to sync
//   message          a stored message, live or from `sync` (the `message` frame)
//   typing           {sid, uid}
//   read             {sid, uid, seq}: a member's read position moved
//   membership       {sid, action: 'added' | 'removed'}: the user's own membership changed
//   session-updated  {sid, name?, icon?, visibility?}: a session's info changed
//   preferences      {sid, muted, archived}: the user muted/archived a session (in any tab)
//   pins             {sid, pins}: a session's pinned seqs changed (newest pin first)
//   members          {sid, uid, action}: someone joined, was invited, left, was removed or changed role
//   presence         {uid, state: 'online' | 'away' | 'busy' | 'offline'} (invisible shows as offline)
//   notification     {notification: {id, kind, data, read, at}}
//   friends-changed  {uid, action}: a friendship or request changed
//   profile          {uid}: a profile changed
//   server-error     {code, message}: an error frame that answers no request
//   call             the `call` frame: a call signal from the peer of a private chat (call.js)
import { humanError } from './errors.js';

// A ping every 25 s, a pong due within 10 s: a dead connection is given up within 35 s.
// `?ping=<ms>` in the page's address shortens the interval (the browser tests use 1000).
const PING_EVERY_MS = Number(new URLSearchParams(location.search).get('ping')) || 25000;
const PONG_WITHIN_MS = Math.min(10000, PING_EVERY_MS);
const MAX_BACKOFF_MS = 10000;
const NO_PONG = 4000; // the close code the client gives a socket it gave up on

/**
 * What to do when the socket closes, as docs/protocol.md "Close codes" says:
 * 4401 = log in again; every other close (1001, 1009, 1013, 4008, 4408, 4409, 4429,
 * network loss) = reconnect with backoff, then sync.
 */
export function afterClose(code) {
  return code === 4401 ? 'login' : 'reconnect';
}

/** Session events that change who is in a session (and so whom the composer's @ list offers). */
const MEMBER_ACTIONS = new Set(['join', 'invite', 'leave', 'remove', 'role']);

/** `event` frames by their `event` field: the name to emit and its detail. */
const EVENTS = {
  typing: (e) => ['typing', { sid: e.sid, uid: e.uid }],
  read: (e) => ['read', { sid: e.sid, uid: e.uid, seq: e.seq }],
  session: (e) => (e.action === 'added' || e.action === 'removed' ? ['membership', { sid: e.sid, action: e.action }]
    : e.action === 'updated' ? ['session-updated', pick(e, 'sid', 'name', 'icon', 'visibility')]
      : e.action === 'preferences' ? ['preferences', pick(e, 'sid', 'muted', 'archived')]
        : e.action === 'pins' ? ['pins', pick(e, 'sid', 'pins')]
          : MEMBER_ACTIONS.has(e.action) ? ['members', pick(e, 'sid', 'uid', 'action')] : null),
  presence: (e) => ['presence', { uid: e.uid, state: shown(e.state) }],
  online: (e) => ['presence', { uid: e.uid, state: 'online' }],
  offline: (e) => ['presence', { uid: e.uid, state: 'offline' }],
  notification: (e) => ['notification', { notification: e.notification || {} }],
  friend: (e) => ['friends-changed', { uid: e.uid, action: e.action }],
  profile: (e) => ['profile', { uid: e.uid }],
};

/** Frames that answer no request, by `type`: the name to emit and its detail (null: nothing to tell). */
export const FRAME_EVENTS = {
  ready: (f) => ['ready', { uid: f.uid, iceServers: f.iceServers }],
  call: (f) => ['call', f],
  message: (f) => ['message', f],
  messageDeleted: (f) => ['message-deleted', { sid: f.sid, seq: f.seq }],
  event: (f) => (Object.hasOwn(EVENTS, f.event) ? EVENTS[f.event](f) : null),
  // An error with a rid answers a request (even one that timed out); 4401 follows an unauthenticated one.
  error: (f) => (f.rid !== undefined || f.code === 'unauthenticated' ? null
    : ['server-error', { code: f.code, message: f.message }]),
};

const shown = (state) => (!state || state === 'invisible' ? 'offline' : state);

function pick(from, ...keys) {
  const out = {};
  for (const key of keys) if (key in from) out[key] = from[key];
  return out;
}

export class Connection extends EventTarget {
  constructor(tokenProvider) {
    super();
    this.tokenProvider = tokenProvider;
    this.ws = null;
    this.ready = false;
    this.stopped = true;
    this.attempt = 0;
    this.nextRid = 1;
    this.waiting = new Map();
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.pongTimer = 0;
    this.retryAt = 0;
    this.closeCode = null; // of the last close, for the curious (window.palaver)
    this.closeCodes = []; // the last closes' codes, oldest first (at most 20)
    window.addEventListener('online', () => this.reconnectNow());
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.clearPing();
    if (this.ws) this.ws.close(1000, 'bye');
    this.ws = null;
    this.setState('stopped');
  }

  reconnectNow() {
    if (this.stopped || this.ready) return;
    clearTimeout(this.retryTimer);
    if (!this.ws) this.open();
  }

  open() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    this.ws = ws;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: this.tokenProvider() }));
    ws.onmessage = (e) => this.onFrame(ws, e.data);
    ws.onclose = (e) => this.onClose(ws, e);
  }

  onFrame(ws, data) {
    if (ws !== this.ws) return;
    let frame;
    try { frame = JSON.parse(data); } catch { return; }
    if (frame.type === 'ready') {
      this.ready = true;
      this.attempt = 0;
      this.schedulePing();
      this.setState('online');
    }
    if (frame.type === 'pong') { clearTimeout(this.pongTimer); this.pongTimer = 0; }
    if (frame.rid !== undefined && this.waiting.has(frame.rid)) {
      const { resolve, reject } = this.waiting.get(frame.rid);
      this.waiting.delete(frame.rid);
      if (frame.type === 'error') reject(Object.assign(new Error(humanError(frame.code, frame.message)), { code: frame.code }));
      else resolve(frame);
      return; // the requester has it
    }
    this.emit(frame);
  }

  /** Turns a frame into its named event; frames and events this client doesn't know are ignored. */
  emit(frame) {
    const toEvent = Object.hasOwn(FRAME_EVENTS, frame.type) ? FRAME_EVENTS[frame.type] : null;
    const named = toEvent ? toEvent(frame) : null;
    if (named) this.dispatchEvent(new CustomEvent(named[0], { detail: named[1] }));
  }

  onClose(ws, e) {
    if (ws !== this.ws) return;
    this.gone(e.code);
  }

  /**
   * The socket is gone (closed, or given up for a missing pong): fail what waits for an answer,
   * then log in again or reconnect. The old socket's own close event, whenever the browser fires
   * it, is ignored (it is no longer this.ws).
   */
  gone(code) {
    this.ws = null;
    this.ready = false;
    this.clearPing();
    for (const { reject } of this.waiting.values()) reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
    this.waiting.clear();
    this.closeCode = code;
    this.closeCodes.push(code);
    if (this.closeCodes.length > 20) this.closeCodes.shift();
    if (this.stopped) return;
    if (afterClose(code) === 'login') {
      this.stopped = true;
      this.setState('stopped');
      this.dispatchEvent(new CustomEvent('unauthenticated'));
      return;
    }
    // Back off, then the `ready` of the new socket resumes with sync.
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.retryAt = Date.now() + delay;
    this.setState('offline');
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Sends a frame now if possible; returns false when not connected and ready. */
  send(frame) {
    if (!this.ready || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a frame with a rid and resolves with the answer that echoes it. */
  request(frame, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const rid = `r${this.nextRid++}`;
      if (!this.send({ ...frame, rid })) {
        reject(Object.assign(new Error('not connected'), { code: 'disconnected' }));
        return;
      }
      const timer = setTimeout(() => {
        if (this.waiting.delete(rid)) reject(Object.assign(new Error('no answer'), { code: 'timeout' }));
      }, timeoutMs);
      this.waiting.set(rid, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      });
    });
  }

  schedulePing() {
    this.clearPing();
    this.pingTimer = setInterval(() => {
      if (this.pongTimer) return; // the last ping's pong is still due: its timer decides
      if (!this.send({ type: 'ping' })) return;
      // A socket that stopped answering is dead even if the browser hasn't noticed. Closing it is
      // not enough: Chromium fires `close` only when the server answers the close frame, or after
      // its own timeout of a minute or more. So it is given up at once and a new one opened.
      this.pongTimer = setTimeout(() => {
        this.pongTimer = 0;
        const dead = this.ws;
        if (!dead) return;
        this.gone(NO_PONG);
        dead.close(NO_PONG, 'no pong');
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  clearPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pongTimer = 0;
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
