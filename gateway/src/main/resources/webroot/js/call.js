// 1:1 voice and video calls in a private chat (docs/web-client.md "Calls"): WebRTC between the
// two browsers, signalled with `call` frames over the one socket (docs/protocol.md "Calls").
// The server only checks and relays; this module decides the rest: the ring timeout (the caller's,
// after RING_TIMEOUT_MS), busy (answered here when a ring comes during another call), and what the
// other devices of the callee do when one of them answers.
import { $, h, fill, toast, paintAvatar } from './dom.js';
import { state, displayName, cachedUser, user } from './state.js';
import { conn } from './messaging.js';

// `?ringMs=<ms>` in the page's address shortens the ring timeout (the browser tests use it).
export const RING_TIMEOUT_MS = Number(new URLSearchParams(location.search).get('ringMs')) || 30000;
/** A callee whose caller vanished without a timeout signal stops ringing a little after the caller would have. */
const CALLEE_GRACE_MS = 5000;

let iceServers = [];
/**
 * The one call this page is in, or null:
 * {id, sid, peer, video, role: 'caller'|'callee', phase: 'ringing'|'incoming'|'connecting'|'active',
 *  pc, local, remote, timer, pendingIce}
 */
let call = null;

/** From the `ready` frame: the server's STUN/TURN servers (none: host candidates, same network). */
export function setIceServers(list) {
  iceServers = Array.isArray(list) ? list : [];
}

/** 16 random bytes as hex: crypto.randomUUID exists only in secure contexts. */
function newCallId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function peerUid(s) {
  return s && s.peer ? (typeof s.peer === 'object' ? s.peer.uid : s.peer) : null;
}

function mediaAvailable() {
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.RTCPeerConnection) return true;
  toast('Calls need a secure connection (HTTPS, or the server on this machine).', 'error');
  return false;
}

/** Sends one signal of the current call (or of `about`, for a busy answer to another one). */
function signal(name, extra = {}, about = call) {
  return conn.request({ type: 'call', sid: about.sid, callId: about.id, signal: name, ...extra });
}

/** The call button of a private chat's header. */
export async function start(sid, video) {
  if (call) { toast('You are already in a call.'); return; }
  const s = state.sessions.get(sid);
  if (!s || s.type !== 'private' || !mediaAvailable()) return;
  call = { id: newCallId(), sid, peer: peerUid(s), video, role: 'caller', phase: 'ringing', pendingIce: [] };
  const mine = call;
  render();
  try {
    mine.local = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  } catch (e) {
    toast(`No ${video ? 'camera or microphone' : 'microphone'}: ${e.message}`, 'error');
    end(null);
    return;
  }
  if (call !== mine) { stopTracks(mine.local); return; }
  showLocal();
  try {
    await signal('ring', { video });
  } catch (e) {
    if (call === mine) { toast(`Could not call: ${e.message}`, 'error'); end(null); }
    return;
  }
  mine.timer = setTimeout(() => {
    if (call === mine && mine.phase === 'ringing') { signal('timeout').catch(() => {}); end('No answer.'); }
  }, RING_TIMEOUT_MS);
}

/** A `call` frame from the socket (relayed from the peer, or a copy of our own device's accept/decline). */
export function onSignal(f) {
  const mine = state.me && f.from === state.me.uid;
  if (f.signal === 'ring' && !mine) { incoming(f); return; }
  if (!call || f.callId !== call.id) return; // another call's, or one this page never rang for
  if (mine) {
    // Another device of ours answered or declined: stop ringing here.
    if (call.phase === 'incoming') end(f.signal === 'accept' ? 'Answered on another device.' : null);
    return;
  }
  const handlers = { accept: accepted, decline: () => end('Call declined.'), busy, timeout: () => end('Missed call.'),
    hangup: () => end('Call ended.'), offer, answer, ice };
  if (Object.hasOwn(handlers, f.signal)) handlers[f.signal](f);
}

function incoming(f) {
  if (call) {
    // Busy is decided here: this page is in another call (or the same peer rang twice).
    if (call.id !== f.callId) signal('busy', {}, { sid: f.sid, id: f.callId }).catch(() => {});
    return;
  }
  call = { id: f.callId, sid: f.sid, peer: f.from, video: Boolean(f.video), role: 'callee', phase: 'incoming', pendingIce: [] };
  const mine = call;
  mine.timer = setTimeout(() => { if (call === mine && mine.phase === 'incoming') end('Missed call.'); },
    RING_TIMEOUT_MS + CALLEE_GRACE_MS);
  render();
  if (!cachedUser(f.from)) Promise.resolve(user(f.from)).then(() => { if (call === mine) render(); }).catch(() => {});
}

/** The callee's Accept: media first, then the caller is told and sends its offer. */
async function accept() {
  const mine = call;
  if (!mine || mine.phase !== 'incoming' || !mediaAvailable()) return;
  clearTimeout(mine.timer);
  mine.phase = 'connecting';
  render();
  try {
    mine.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: mine.video });
  } catch (e) {
    toast(`No ${mine.video ? 'camera or microphone' : 'microphone'}: ${e.message}`, 'error');
    if (call === mine) { signal('decline').catch(() => {}); end(null); }
    return;
  }
  if (call !== mine) { stopTracks(mine.local); return; }
  showLocal();
  connection(mine);
  signal('accept').catch((e) => { if (call === mine) { toast(e.message, 'error'); end(null); } });
}

function decline() {
  if (!call || call.phase !== 'incoming') return;
  signal('decline').catch(() => {});
  end(null);
}

/** Hang up (or cancel the ring): the peer is told, then everything is let go. */
export function hangUp() {
  if (!call) return;
  if (call.phase !== 'incoming') signal('hangup').catch(() => {});
  else signal('decline').catch(() => {});
  end(null);
}

/** The caller: the callee accepted, so the offer goes out. */
async function accepted() {
  const mine = call;
  if (mine.role !== 'caller' || mine.phase !== 'ringing') return;
  clearTimeout(mine.timer);
  mine.phase = 'connecting';
  render();
  const pc = connection(mine);
  try {
    await pc.setLocalDescription(await pc.createOffer());
    if (call === mine) await signal('offer', { sdp: pc.localDescription.sdp });
  } catch (e) {
    if (call === mine) { toast(`Call failed: ${e.message}`, 'error'); hangUp(); }
  }
}

function busy() {
  if (call.role !== 'caller') return;
  // The callee's other devices may still ring: a hang-up stops them.
  signal('hangup').catch(() => {});
  end('Busy: they are in another call.');
}

async function offer(f) {
  const mine = call;
  if (mine.role !== 'callee' || !mine.pc) return;
  try {
    await mine.pc.setRemoteDescription({ type: 'offer', sdp: f.sdp });
    await flushIce(mine);
    await mine.pc.setLocalDescription(await mine.pc.createAnswer());
    if (call === mine) await signal('answer', { sdp: mine.pc.localDescription.sdp });
  } catch (e) {
    if (call === mine) { toast(`Call failed: ${e.message}`, 'error'); hangUp(); }
  }
}

async function answer(f) {
  const mine = call;
  if (mine.role !== 'caller' || !mine.pc) return;
  try {
    await mine.pc.setRemoteDescription({ type: 'answer', sdp: f.sdp });
    await flushIce(mine);
  } catch (e) {
    if (call === mine) { toast(`Call failed: ${e.message}`, 'error'); hangUp(); }
  }
}

/** Candidates that come before the remote description wait for it. */
function ice(f) {
  if (!call.pc || !f.candidate) return;
  if (!call.pc.remoteDescription) { call.pendingIce.push(f.candidate); return; }
  call.pc.addIceCandidate(f.candidate).catch(() => {});
}

async function flushIce(c) {
  const waiting = c.pendingIce.splice(0);
  for (const candidate of waiting) await c.pc.addIceCandidate(candidate).catch(() => {});
}

function connection(c) {
  const pc = new RTCPeerConnection({ iceServers });
  c.pc = pc;
  for (const track of c.local.getTracks()) pc.addTrack(track, c.local);
  pc.onicecandidate = (e) => {
    if (e.candidate && call === c) signal('ice', { candidate: e.candidate.toJSON() }).catch(() => {});
  };
  pc.ontrack = (e) => {
    c.remote = e.streams[0] || new MediaStream([e.track]);
    $('call-remote').srcObject = c.remote;
  };
  pc.onconnectionstatechange = () => {
    if (call !== c) return;
    if (pc.connectionState === 'connected') { c.phase = 'active'; render(); }
    if (pc.connectionState === 'failed') { toast('The call could not connect.', 'error'); hangUp(); }
  };
  return pc;
}

function stopTracks(stream) {
  if (stream) stream.getTracks().forEach((t) => t.stop());
}

function end(reason) {
  const c = call;
  if (!c) return;
  call = null;
  clearTimeout(c.timer);
  stopTracks(c.local);
  if (c.pc) c.pc.close();
  $('call-remote').srcObject = null;
  $('call-local').srcObject = null;
  render();
  if (reason) toast(reason);
}

function showLocal() {
  $('call-local').srcObject = call.local;
}

// ---- the call panel --------------------------------------------------------------

const STATUS = {
  ringing: 'Calling…',
  incoming: 'Incoming call',
  connecting: 'Connecting…',
  active: 'In call',
};

function render() {
  const panel = $('call');
  panel.hidden = !call;
  document.body.classList.toggle('in-call', Boolean(call));
  if (!call) return;
  const peer = cachedUser(call.peer);
  const name = (peer && peer.nickname) || displayName(call.peer);
  $('call-name').textContent = name;
  paintAvatar($('call-avatar'), name, peer && peer.avatar);
  $('call-status').textContent = `${STATUS[call.phase]}${call.video ? ' (video)' : ' (voice)'}`;
  panel.dataset.phase = call.phase;
  panel.classList.toggle('video', call.video);
  const buttons = call.phase === 'incoming'
    ? [h('button', { type: 'button', id: 'call-accept', class: 'primary', onclick: accept }, 'Accept'),
      h('button', { type: 'button', id: 'call-decline', class: 'danger', onclick: decline }, 'Decline')]
    : [h('button', { type: 'button', id: 'call-hangup', class: 'danger', onclick: hangUp },
      call.phase === 'ringing' ? 'Cancel' : 'Hang up')];
  fill($('call-actions'), buttons);
}

/** The page goes away mid-call: the peer hears so at once instead of on its connection timing out. */
window.addEventListener('pagehide', () => { if (call) hangUp(); });

/** For the browser tests and the curious: the call's phase and the media received so far. */
export const inspect = Object.freeze({
  get phase() { return call ? call.phase : null; },
  get id() { return call ? call.id : null; },
  /** Bytes received over inbound RTP streams of the current call (0 when none). */
  async bytesReceived() {
    if (!call || !call.pc) return 0;
    const stats = await call.pc.getStats();
    let bytes = 0;
    stats.forEach((r) => { if (r.type === 'inbound-rtp') bytes += r.bytesReceived || 0; });
    return bytes;
  },
});
