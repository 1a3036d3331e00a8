// The open conversation's own flags and pins (docs/web-client.md, "Mute, archive and pins"): the
// mute and archive buttons in the header, the pinned-messages bar under it with its list, and the
// pin toggle on each message. Changes go over REST; every tab (and node) hears them back as
// `preferences` / `pins` events, so the state here is only ever what the server said.
import { $, h, fill, toast, icon } from './dom.js';
import { api } from './api.js';
import { state, chat, displayName } from './state.js';
import { showPanel } from './panels.js';
import { hooks } from './hooks.js';
import { showMessage } from './search.js';

const sidPath = (sid) => `/sessions/${encodeURIComponent(sid)}`;

/** Any member of a private chat pins; in a group the owner and admins do (the server checks again). */
export function canPin(s) {
  return Boolean(s) && (s.type === 'private' || s.role === 'owner' || s.role === 'admin');
}

const pinsOf = (s) => (s && Array.isArray(s.pins) ? s.pins : []);

/** The header's mute/archive buttons and the pin bar, for the open conversation. */
export function renderChatFlags() {
  const s = state.sessions.get(state.current);
  if (!s) return;
  const mute = $('chat-mute');
  fill(mute, icon(s.muted ? 'bell-off' : 'bell'));
  mute.setAttribute('aria-pressed', String(Boolean(s.muted)));
  mute.title = s.muted ? 'Unmute: notify me of new messages' : 'Mute: no notifications (unread still counts)';
  mute.setAttribute('aria-label', s.muted ? 'Unmute this conversation' : 'Mute this conversation');
  const archive = $('chat-archive');
  archive.textContent = s.archived ? 'Unarchive' : 'Archive';
  archive.title = s.archived ? 'Show it in the list again' : 'Hide it from the list (under Archived)';
  renderPinBar(s);
  refreshPinToggles();
}

function renderPinBar(s) {
  const pins = pinsOf(s);
  const bar = $('pin-bar');
  bar.hidden = pins.length === 0;
  fill(bar, pins.length ? h('button', { type: 'button', class: 'pin-open', onclick: () => openPins(s.sid) },
    icon('pin'), ` ${pins.length} pinned message${pins.length === 1 ? '' : 's'}`) : null);
}

/** Mutes or unmutes, archives or unarchives the open conversation (the caller's own view only). */
export async function setFlag(flag) {
  const s = state.sessions.get(state.current);
  if (!s) return;
  try {
    const answer = await api('PATCH', `${sidPath(s.sid)}/preferences`, { [flag]: !s[flag] });
    applyPreferences(answer);
    if (flag === 'archived' && answer.archived) toast('Archived: find it under “Archived” in the list');
  } catch (e) {
    toast(e.message, 'error');
  }
}

/** A `preferences` or `pins` answer or event: what the server now holds. */
export function applyPreferences(change) {
  const s = state.sessions.get(change.sid);
  if (!s) return;
  for (const key of ['muted', 'archived', 'pins']) if (key in change) s[key] = change[key];
  hooks.sessionsChanged(false);
  if (state.current === change.sid) renderChatFlags();
}

/** The pin toggle of one message: only for who may pin, on stored, not deleted, non-system messages. */
export function pinToggle(m) {
  const s = state.sessions.get(m.sid);
  if (!canPin(s) || m.msgType === 'system' || m.deleted) return null;
  const pinned = pinsOf(s).includes(m.seq);
  return h('button', { type: 'button', class: 'pin-toggle', 'data-seq': String(m.seq), 'aria-pressed': String(pinned),
    title: pinned ? 'Unpin' : 'Pin this message', 'aria-label': pinned ? 'Unpin this message' : 'Pin this message',
    onclick: () => togglePin(m.sid, m.seq) }, icon('pin'));
}

async function togglePin(sid, seq) {
  const s = state.sessions.get(sid);
  const pinned = pinsOf(s).includes(seq);
  try {
    const answer = await api(pinned ? 'DELETE' : 'PUT', `${sidPath(sid)}/pins/${seq}`);
    applyPreferences(answer);
  } catch (e) {
    toast(e.message, 'error');
  }
}

/** Rendered messages are reused between renders: their toggles follow the pins here. */
function refreshPinToggles() {
  const s = state.sessions.get(state.current);
  for (const b of $('message-list').querySelectorAll('.pin-toggle')) {
    const pinned = pinsOf(s).includes(Number(b.dataset.seq));
    b.setAttribute('aria-pressed', String(pinned));
    b.title = pinned ? 'Unpin' : 'Pin this message';
  }
}

/** The pinned messages, newest pin first, each read from history by its seq; a click shows it in the chat. */
async function openPins(sid) {
  const s = state.sessions.get(sid);
  const list = h('ul', { class: 'pin-list', id: 'pin-list' });
  showPanel('Pinned messages', list);
  const rows = await Promise.all(pinsOf(s).map((seq) => pinned(sid, seq)));
  fill(list, ...rows);
}

async function pinned(sid, seq) {
  let m = chat(sid).bySeq.get(seq);
  if (!m) {
    try {
      const page = await api('GET', `${sidPath(sid)}/messages?after=${seq - 1}&limit=1`);
      m = (page.messages || []).find((x) => x.seq === seq);
    } catch {
      m = null;
    }
  }
  const text = !m ? 'Message not available' : m.deleted ? 'Message deleted'
    : m.msgType === 'text' ? String(m.content).slice(0, 200) : `[${m.msgType}]`;
  return h('li', { class: 'pin-row', 'data-seq': String(seq) },
    h('button', { type: 'button', onclick: () => jumpTo(seq) },
      m ? h('strong', {}, m.nickname || displayName(m.uid)) : null, ' ', h('span', {}, text)));
}

function jumpTo(seq) {
  showMessage(state.current, seq);
}
