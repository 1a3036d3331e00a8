// The one WebSocket (/ws): auth, requests matched by rid, reconnect with
// backoff. What to do after `ready` (sync, resend the outbox) is the caller's.

const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;
const MAX_BACKOFF_MS = 10000;

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
    if (frame.type === 'pong') clearTimeout(this.pongTimer);
    if (frame.rid !== undefined && this.waiting.has(frame.rid)) {
      const { resolve, reject } = this.waiting.get(frame.rid);
      this.waiting.delete(frame.rid);
      if (frame.type === 'error') reject(Object.assign(new Error(frame.message || frame.code), { code: frame.code }));
      else resolve(frame);
    }
    this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
  }

  onClose(ws, e) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.ready = false;
    this.clearPing();
    for (const { reject } of this.waiting.values()) reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
    this.waiting.clear();
    if (this.stopped) return;
    if (e.code === 4401) {
      this.stopped = true;
      this.setState('stopped');
      this.dispatchEvent(new CustomEvent('unauthenticated'));
      return;
    }
    // 1001 (server going away), 1013 (try again later), 4008 (too slow), network loss: back off, then resume with sync.
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
      if (!this.send({ type: 'ping' })) return;
      clearTimeout(this.pongTimer);
      // A socket that stopped answering is dead even if the browser hasn't noticed.
      this.pongTimer = setTimeout(() => { if (this.ws) this.ws.close(4000, 'no pong'); }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  clearPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
