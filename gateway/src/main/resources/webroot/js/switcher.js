// The chat switcher: Ctrl+K (Cmd+K on a Mac) anywhere in the app, also while typing a message,
// opens a small dialog with a filter box over the user's conversations. Arrow keys move the
// choice, Enter opens it, Escape (or a click beside the dialog) closes it.
import { $, h, fill, avatar } from './dom.js';
import { state, sortedSessions } from './state.js';
import { openChat } from './chat.js';
import { chatTitle, chatPicture } from './sidebar.js';

const MAX_SHOWN = 50; // a long list is cut; typing narrows it
const MAC = /Mac|iPhone|iPad/.test(navigator.userAgentData ? navigator.userAgentData.platform : navigator.platform);

let matches = []; // the sessions listed, in order
let chosen = -1;  // index into matches; -1: not chosen yet (render picks the first other chat)

/** The shortcut as this platform writes it, for tooltips and the dialog's hint. */
export const SHORTCUT = MAC ? '⌘K' : 'Ctrl+K';

export function setUp() {
  // Capturing, so no handler of a focused control (the composer's Enter/Escape) sees the key first.
  document.addEventListener('keydown', onShortcut, true);
  const filter = $('switcher-filter');
  filter.addEventListener('input', () => { chosen = -1; render(); });
  filter.addEventListener('keydown', onFilterKey);
  const dialog = $('switcher');
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  $('switcher-hint').textContent = `${SHORTCUT} opens this anywhere · ↑ ↓ to choose · Enter to open · Esc to close`;
  $('session-filter').title = `Filter conversations (${SHORTCUT} jumps to one from anywhere)`;
}

/** Closes the switcher if it is open (on logout). */
export function close() {
  if ($('switcher').open) $('switcher').close();
}

function isShortcut(e) {
  return e.key.toLowerCase() === 'k' && !e.altKey && !e.shiftKey && (MAC ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey);
}

function onShortcut(e) {
  if (!isShortcut(e) || e.isComposing || !state.me || $('app-view').hidden) return;
  e.preventDefault(); // the browser's own Ctrl+K (search in the address bar) stays out of the way
  e.stopPropagation();
  const dialog = $('switcher');
  if (dialog.open) dialog.close();
  else show();
}

function show() {
  const dialog = $('switcher');
  const filter = $('switcher-filter');
  filter.value = '';
  chosen = -1;
  render();
  dialog.showModal();
  filter.focus();
}

/** Names starting with the filter first, then those containing it; each group by last activity. */
function matching(text) {
  const q = text.trim().toLowerCase();
  const all = sortedSessions();
  if (!q) return all;
  const starts = [];
  const contains = [];
  for (const s of all) {
    const name = chatTitle(s).toLowerCase();
    if (name.startsWith(q)) starts.push(s);
    else if (name.includes(q)) contains.push(s);
  }
  return starts.concat(contains);
}

function render() {
  matches = matching($('switcher-filter').value).slice(0, MAX_SHOWN);
  if (chosen < 0) {
    // The chat already open is no place to jump to: Ctrl+K, Enter goes back to the one before.
    const other = matches.findIndex((s) => s.sid !== state.current);
    chosen = other < 0 ? 0 : other;
  }
  chosen = Math.min(chosen, Math.max(0, matches.length - 1));
  fill($('switcher-list'), matches.map(option));
  $('switcher-empty').hidden = matches.length > 0;
  const filter = $('switcher-filter');
  if (matches.length) {
    filter.setAttribute('aria-activedescendant', optionId(matches[chosen]));
    const el = $(optionId(matches[chosen]));
    if (el) el.scrollIntoView({ block: 'nearest' });
  } else {
    filter.removeAttribute('aria-activedescendant');
  }
}

function optionId(s) {
  return `switcher-${s.sid}`;
}

function option(s, i) {
  const title = chatTitle(s);
  const selected = i === chosen;
  const unread = s.unread || 0;
  return h('li', {
    id: optionId(s), class: `switcher-option${selected ? ' chosen' : ''}`, role: 'option',
    'aria-selected': String(selected), 'data-sid': s.sid,
    // mousedown, not click: the filter box keeps the focus
    onmousedown: (e) => { e.preventDefault(); go(s.sid); },
  },
  avatar(title, chatPicture(s), 'small'),
  h('span', { class: 'switcher-name' }, title),
  s.archived ? h('span', { class: 'tag' }, 'archived') : null,
  s.sid === state.current ? h('span', { class: 'tag' }, 'open') : null,
  unread ? h('span', { class: 'badge', 'aria-label': `${unread} unread` }, unread > 99 ? '99+' : String(unread)) : null);
}

function onFilterKey(e) {
  if (e.isComposing) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    if (!matches.length) return;
    const step = e.key === 'ArrowDown' ? 1 : -1;
    chosen = (chosen + step + matches.length) % matches.length;
    render();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (matches[chosen]) go(matches[chosen].sid);
  } else if (e.key === 'Escape') {
    e.preventDefault();
    $('switcher').close();
  }
}

/** Closes the switcher (and a panel left open under it: the user has moved on) and opens the chat. */
function go(sid) {
  $('switcher').close();
  for (const other of [$('dialog'), $('lightbox')]) if (other.open) other.close();
  openChat(sid);
}
