// Writing: multi-line input (Enter sends, Shift+Enter new line), emoji picker,
// uploads by picker / drag-and-drop / paste with progress, voice recording, @ mentions.
import { $, h, toast, icon, avatar } from './dom.js';
import { upload, api } from './api.js';
import { state, saveOutbox, rememberUser } from './state.js';
import { enqueue, transmit, sendTyping, editMessage } from './messaging.js';
import { chat, isChange } from './state.js';
import { hooks } from './hooks.js';

const MAX_TEXT = 16 * 1024; // the server's content limit (characters)
const MAX_FRAME_TEXT = 60 * 1024; // bytes, leaving room in a 64 KiB frame for the rest of it

const EMOJI = {
  Smileys: '😀 😃 😄 😁 😆 😅 🤣 😂 🙂 🙃 😉 😊 😇 🥰 😍 🤩 😘 😋 😛 😜 🤪 🤗 🤔 🤨 😐 😑 😶 🙄 😏 😴 😌 🤓 😎 🥳 😕 😟 😮 😲 😳 🥺 😢 😭 😱 😤 😡 🤯 😬 🤐 🤫 🤭',
  Gestures: '👍 👎 👌 ✌️ 🤞 🤟 🤘 👋 🙌 👏 🙏 🤝 💪 👀 🧠 ✍️ 🫶 👊',
  Hearts: '❤️ 🧡 💛 💚 💙 💜 🖤 🤍 💔 💕 💖 💯 ✨ ⭐ 🔥 🎉 🎊 🎁',
  Things: '☕ 🍕 🍔 🍰 🍺 🍷 🌍 🌞 🌧️ ⛄ 🚀 🚗 ✈️ 🏠 💻 📱 📷 🎵 ⚽ 🏆 📌 ✅ ❌ ❓ ⚠️',
};

export function setUp() {
  const input = $('message-input');
  setUpMentions(input); // first: while the @ list is open its keys (Enter, Tab, arrows, Escape) are its own
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendText();
    } else if (e.key === 'ArrowUp' && !input.value && !e.isComposing) {
      const last = lastOwnText();
      if (last) {
        e.preventDefault();
        startEdit(last);
      }
    } else if (e.key === 'Escape' && composing) {
      e.preventDefault();
      cancelContext();
    }
  });
  $('composer-context-cancel').addEventListener('click', cancelContext);
  input.addEventListener('input', () => {
    autosize();
    if (state.current && input.value.trim()) sendTyping(state.current);
  });
  input.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData ? e.clipboardData.files : [])];
    if (files.length) {
      e.preventDefault();
      sendFiles(files);
    }
  });
  $('composer').addEventListener('submit', (e) => { e.preventDefault(); sendText(); });
  $('file-input').addEventListener('change', (e) => {
    sendFiles([...e.target.files]);
    e.target.value = '';
  });
  setUpDrop();
  setUpEmoji();
  setUpVoice();
}

function autosize() {
  const input = $('message-input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
  input.style.overflowY = input.scrollHeight > 180 ? 'auto' : 'hidden';
}

function sendText() {
  const input = $('message-input');
  const text = input.value;
  if (!state.current || !text.trim()) return;
  // The socket refuses frames over 64 KiB: count the bytes of the JSON as well as the characters.
  if (text.length > MAX_TEXT || new TextEncoder().encode(JSON.stringify(text)).length > MAX_FRAME_TEXT) {
    toast(`That message is too long (${text.length.toLocaleString()} characters; the limit is ${MAX_TEXT.toLocaleString()}). Send it as a file instead.`, 'error');
    return;
  }
  if (composing && composing.sid === state.current && composing.mode === 'edit') {
    const { sid, seq } = composing;
    editMessage(sid, seq, text).catch((e) => toast(`Not edited: ${e.message || e.code}`, 'error'));
  } else {
    const draft = { sid: state.current, msgType: 'text', content: text, ...chosenMentions(state.current, text) };
    if (composing && composing.sid === state.current && composing.mode === 'reply') draft.replyTo = composing.replyTo;
    enqueue(draft);
  }
  picked = picked.filter((p) => p.sid !== state.current);
  hideSuggestions();
  cancelContext();
  input.value = '';
  autosize();
  input.focus();
}

// ---- mentions: '@' offers the session's members -----------------------------------
//
// Nicknames are not unique, so the text only shows '@nickname' and the send carries the uids of the
// members picked from the list (docs/protocol.md "Mentions"). A pick whose '@nickname' was deleted
// from the text before sending is not sent.

const MAX_SUGGESTIONS = 8;
let picked = [];      // [{sid, uid, all, label}] chosen while writing, per session
let suggestions = []; // the open list: [{uid, nickname, avatar, all}]
let activeIndex = 0;
let queryAt = null;   // {start, end}: where the '@query' being completed is in the input

function setUpMentions(input) {
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', 'mention-list');
  input.addEventListener('keydown', onMentionKey);
  input.addEventListener('input', () => { updateSuggestions(); });
  input.addEventListener('click', () => { updateSuggestions(); });
  input.addEventListener('blur', () => setTimeout(hideSuggestions, 150));
}

/** The '@query' the caret is at the end of (after a start or a non-word character), or null. */
function mentionQuery(input) {
  const caret = input.selectionStart;
  if (caret !== input.selectionEnd) return null;
  const before = input.value.slice(0, caret);
  const m = /(?:^|[^\p{L}\p{N}_])@([^\s@]{0,32})$/u.exec(before);
  return m ? { start: caret - m[1].length - 1, end: caret, query: m[1] } : null;
}

/** The open session's members, from its info (asked once per chat when the chat view has not yet). */
async function membersOf(sid) {
  const c = chat(sid);
  if (!c.members) {
    try {
      const info = await api('GET', `/sessions/${encodeURIComponent(sid)}`);
      c.members = (info.members || []).map((m) => ({ uid: m.uid, nickname: m.nickname, avatar: m.avatar, role: m.role }));
      c.members.forEach((m) => { if (m.nickname) rememberUser(m); });
    } catch {
      return [];
    }
  }
  return c.members;
}

async function updateSuggestions() {
  const input = $('message-input');
  const sid = state.current;
  const q = sid && !(composing && composing.mode === 'edit') ? mentionQuery(input) : null;
  if (!q) { hideSuggestions(); return; }
  const members = await membersOf(sid);
  const now = mentionQuery(input);
  if (sid !== state.current || !now || now.start !== q.start) return; // the input moved on meanwhile
  const needle = now.query.toLocaleLowerCase();
  const me = members.find((m) => m.uid === state.me.uid);
  const options = members.filter((m) => m.uid !== state.me.uid && m.nickname && m.nickname.toLocaleLowerCase().includes(needle))
    .sort((a, b) => Number(!a.nickname.toLocaleLowerCase().startsWith(needle)) - Number(!b.nickname.toLocaleLowerCase().startsWith(needle))
      || a.nickname.localeCompare(b.nickname))
    .slice(0, MAX_SUGGESTIONS);
  const s = state.sessions.get(sid);
  const role = chat(sid).myRole || (me && me.role);
  // @all: groups only, owner and admins only (the server refuses anyone else).
  if (s && s.type === 'group' && (role === 'owner' || role === 'admin') && 'all'.startsWith(needle)) {
    options.push({ all: true, nickname: 'all' });
  }
  if (!options.length) { hideSuggestions(); return; }
  suggestions = options;
  activeIndex = 0;
  queryAt = now;
  renderSuggestions();
}

function renderSuggestions() {
  const list = $('mention-list');
  list.replaceChildren(...suggestions.map((o, i) => h('li', {
    role: 'option', id: `mention-option-${i}`, class: `mention-option${i === activeIndex ? ' active' : ''}`,
    'aria-selected': String(i === activeIndex), 'data-uid': o.all ? '@all' : o.uid,
    onmousedown: (e) => { e.preventDefault(); pickSuggestion(i); }, // mousedown: before the input's blur
  }, o.all ? h('span', { class: 'avatar small' }, '@') : avatar(o.nickname, o.avatar, 'small'),
  h('span', { class: 'mention-name' }, `@${o.nickname}`), o.all ? h('small', { class: 'muted' }, ' everyone in the group') : null)));
  list.hidden = false;
  $('message-input').setAttribute('aria-expanded', 'true');
  $('message-input').setAttribute('aria-activedescendant', `mention-option-${activeIndex}`);
}

function hideSuggestions() {
  suggestions = [];
  queryAt = null;
  const list = $('mention-list');
  if (!list) return;
  list.hidden = true;
  list.replaceChildren();
  $('message-input').setAttribute('aria-expanded', 'false');
  $('message-input').removeAttribute('aria-activedescendant');
}

function onMentionKey(e) {
  if (!suggestions.length || e.isComposing) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    activeIndex = (activeIndex + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length;
    renderSuggestions();
  } else if (e.key === 'Enter' || e.key === 'Tab') {
    pickSuggestion(activeIndex);
  } else if (e.key === 'Escape') {
    hideSuggestions();
  } else {
    return;
  }
  e.preventDefault();
  e.stopImmediatePropagation();
}

/** Replaces the '@query' with '@nickname ' and remembers whom it means. */
function pickSuggestion(i) {
  const o = suggestions[i];
  const input = $('message-input');
  if (!o || !queryAt || !state.current) return;
  const label = `@${o.nickname}`;
  input.value = `${input.value.slice(0, queryAt.start)}${label} ${input.value.slice(queryAt.end)}`;
  const caret = queryAt.start + label.length + 1;
  input.setSelectionRange(caret, caret);
  picked.push({ sid: state.current, uid: o.all ? null : o.uid, all: Boolean(o.all), label });
  hideSuggestions();
  autosize();
  input.focus();
}

/** The send's {mentions, mentionAll}: the picks of this session whose '@nickname' the text still shows. */
function chosenMentions(sid, text) {
  const still = picked.filter((p) => p.sid === sid && text.includes(p.label));
  const mentions = [...new Set(still.filter((p) => !p.all).map((p) => p.uid))];
  const out = {};
  if (mentions.length) out.mentions = mentions;
  if (still.some((p) => p.all)) out.mentionAll = true;
  return out;
}

// ---- editing and replying: the composer's context line -------------------------

let composing = null; // {mode: 'edit'|'reply', sid, seq, replyTo?}

/** The user's newest text message in the open chat that is not deleted (Up-arrow edits it). */
function lastOwnText() {
  if (!state.current || !state.me) return null;
  const all = chat(state.current).ordered();
  for (let i = all.length - 1; i >= 0; i--) {
    const m = all[i];
    if (!isChange(m) && m.uid === state.me.uid && m.msgType === 'text' && !m.deleted) return m;
  }
  return null;
}

/** Puts the composer into editing message `m`: its text in the input, a line saying so above. */
export function startEdit(m) {
  composing = { mode: 'edit', sid: m.sid, seq: m.seq };
  showContext('Editing message');
  const input = $('message-input');
  input.value = typeof m.content === 'string' ? m.content : '';
  autosize();
  input.focus();
}

/** Puts the composer into replying to `m`: the next send carries replyTo. */
export function startReply(m) {
  const quote = typeof m.content === 'string' && m.content ? m.content.slice(0, 200) : (m.file && m.file.name) || '';
  composing = { mode: 'reply', sid: m.sid, seq: m.seq,
    replyTo: { seq: m.seq, uid: m.uid, nickname: m.nickname, msgType: m.msgType, quote } };
  showContext(`Replying to ${m.nickname || 'message'}: ${quote.slice(0, 80)}`);
  $('message-input').focus();
}

function showContext(text) {
  $('composer-context-text').textContent = text;
  $('composer-context').hidden = false;
}

/** Leaves edit or reply mode (Escape, Cancel, after sending, or on switching chats). */
export function cancelContext() {
  const wasEdit = composing && composing.mode === 'edit';
  composing = null;
  $('composer-context').hidden = true;
  if (wasEdit) {
    $('message-input').value = '';
    autosize();
  }
}

function kindOf(file) {
  if (file.type.startsWith('image/')) return 'image';
  if (file.type.startsWith('audio/')) return 'voice';
  if (file.type === 'video/mp4' || file.type === 'video/webm') return 'video';
  return 'file';
}

/** One message per file. Not forEach(sendFile): that would pass the index and the array as msgType and name. */
function sendFiles(files) {
  for (const file of files) sendFile(file);
}

/** Uploads, then sends the message; the pending bubble shows the progress and any failure. */
export async function sendFile(file, msgType, name) {
  if (!state.current) return;
  if (file.size === 0) {
    toast(`“${file.name}” is empty.`, 'error');
    return;
  }
  const item = enqueue({
    sid: state.current, msgType: msgType || kindOf(file), uploading: true, progress: 0,
    file: { name: name || file.name, size: file.size, mime: file.type },
  });
  let lastPaint = 0;
  try {
    const stored = await upload(file, (p) => {
      item.progress = p;
      if (Date.now() - lastPaint > 100 || p === 1) {
        lastPaint = Date.now();
        hooks.outboxChanged(item.sid);
      }
    }, name);
    item.uploading = false;
    item.fileId = stored.fileId;
    item.file = { fileId: stored.fileId, name: stored.name, mime: stored.mime, size: stored.size,
      thumbId: stored.thumbId, durationMs: stored.durationMs, posterId: stored.posterId };
    // The server types files by their bytes: what isn't an image or audio after all goes as a file.
    if (item.msgType === 'image' && !/^image\/(jpeg|png|gif|webp)/.test(stored.mime || '')) item.msgType = 'file';
    if (item.msgType === 'voice' && !String(stored.mime || '').startsWith('audio/')) item.msgType = 'file';
    if (item.msgType === 'video' && !VIDEO_TYPES.includes(stored.mime)) item.msgType = 'file';
    // A video without a poster (a deduplicated one may have it already) gets its first frame, made here.
    if (item.msgType === 'video' && !stored.posterId) {
      const poster = await makePoster(file, stored.fileId);
      if (poster) Object.assign(item.file, { posterId: poster.fileId, thumbId: poster.thumbId });
    }
    saveOutbox();
    hooks.outboxChanged(item.sid);
    transmit(item);
  } catch (e) {
    item.error = e.message;
    hooks.outboxChanged(item.sid);
    toast(e.message, 'error');
  }
}

const VIDEO_TYPES = ['video/mp4', 'video/webm'];
const POSTER_SIDE = 640; // px on the long side: enough for the inline player, a small upload
const POSTER_WAIT_MS = 8000;

/**
 * The video's first frame, drawn once the local copy has `loadeddata`, uploaded as a JPEG poster of the
 * stored video (`POST /files?poster=`). Null when the browser can't decode it or anything fails: the
 * message is sent all the same and shown with the generic poster.
 */
async function makePoster(file, videoId) {
  const url = URL.createObjectURL(file);
  try {
    const blob = await firstFrame(url);
    return blob ? await upload(blob, () => {}, 'poster.jpg', { poster: videoId }) : null;
  } catch {
    return null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function firstFrame(url) {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    const timer = setTimeout(() => done(null), POSTER_WAIT_MS);
    let settled = false;
    // Once only: emptying the element afterwards must not land here again.
    const done = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      resolve(value);
    };
    video.addEventListener('error', () => done(null));
    video.addEventListener('loadeddata', () => {
      const w = video.videoWidth;
      const hgt = video.videoHeight;
      if (!w || !hgt) { done(null); return; }
      const scale = Math.min(1, POSTER_SIDE / Math.max(w, hgt));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(hgt * scale));
      canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => done(blob), 'image/jpeg', 0.85);
    }, { once: true });
    video.src = url;
  });
}

function setUpDrop() {
  const pane = $('chat-pane');
  let depth = 0;
  pane.addEventListener('dragenter', (e) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    depth++;
    $('drop-hint').hidden = false;
  });
  pane.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) $('drop-hint').hidden = true;
  });
  pane.addEventListener('dragover', (e) => e.preventDefault());
  pane.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    $('drop-hint').hidden = true;
    sendFiles([...e.dataTransfer.files]);
  });
}

function setUpEmoji() {
  const picker = $('emoji-picker');
  const button = $('emoji-button');
  const toggle = (open) => {
    picker.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) picker.querySelector('button').focus();
  };
  for (const [group, list] of Object.entries(EMOJI)) {
    picker.append(h('div', { class: 'emoji-group', role: 'group', 'aria-label': group },
      h('h3', {}, group),
      list.split(' ').map((emoji) => h('button', { type: 'button', class: 'emoji', 'aria-label': emoji,
        onclick: () => { insert(emoji); toggle(false); } }, emoji))));
  }
  button.addEventListener('click', () => toggle(picker.hidden));
  picker.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { toggle(false); button.focus(); }
  });
  document.addEventListener('click', (e) => {
    if (!picker.hidden && !picker.contains(e.target) && !button.contains(e.target)) toggle(false);
  });
}

function insert(text) {
  const input = $('message-input');
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  input.setRangeText(text, start, end, 'end');
  input.focus();
  autosize();
}

// ---- voice -------------------------------------------------------------------

let recorder = null;
let startedAt = 0;

function setUpVoice() {
  const button = $('voice-button');
  if (!window.MediaRecorder || !navigator.mediaDevices) {
    button.hidden = true;
    return;
  }
  button.addEventListener('click', () => (recorder ? stopRecording() : startRecording()));
}

async function startRecording() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    toast('No microphone, or permission was refused.', 'error');
    return;
  }
  const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  const chunks = [];
  recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
  recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
  recorder.onstop = () => {
    stream.getTracks().forEach((t) => t.stop());
    const mime = recorder.mimeType || 'audio/webm';
    recorder = null;
    setRecording(false);
    if (Date.now() - startedAt < 700) return; // a tap, not a message
    const blob = new Blob(chunks, { type: mime });
    sendFile(blob, 'voice', `voice-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${mime.includes('ogg') ? 'ogg' : 'webm'}`);
  };
  startedAt = Date.now();
  recorder.start();
  setRecording(true);
}

function stopRecording() {
  if (recorder && recorder.state !== 'inactive') recorder.stop();
}

function setRecording(on) {
  const button = $('voice-button');
  button.classList.toggle('recording', on);
  button.setAttribute('aria-pressed', String(on));
  const label = on ? 'Stop recording and send' : 'Record a voice message';
  button.setAttribute('aria-label', label);
  button.title = label;
  button.replaceChildren(icon(on ? 'stop' : 'mic'));
}
