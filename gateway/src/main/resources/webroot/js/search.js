// Message search (docs/web-client.md, "Search"): a panel with a query box over every conversation
// (or only the open one), hits newest first with their conversation, sender, time and the words
// searched for marked, "More results" for the next page; a click opens the conversation at that
// message, loading older history until it is there. Text is shown through text nodes only: the
// marks are <mark> elements around the matching words, never HTML built from the message.
import { $, h, fill, toast } from './dom.js';
import { api } from './api.js';
import { state, chat, displayName } from './state.js';
import { showPanel, closeDialog } from './panels.js';
import { openChat } from './chat.js';
import { loadPage } from './messaging.js';
import { chatTitle } from './sidebar.js';
import * as fmt from './format.js';

const MAX_TERM = 32; // as the server cuts words (SearchTerms.MAX_TERM)
const SNIPPET = 180;
/** How many history pages a jump loads at most before giving up (50 messages each). */
const JUMP_PAGES = 40;

/** A word as the server compares it: NFKC, lower case, at most MAX_TERM code points. */
const normal = (word) => [...word.normalize('NFKC').toLowerCase()].slice(0, MAX_TERM).join('');

/** The search panel; with a conversation open it offers to search only that one. */
export function openSearch() {
  const line = h('p', { class: 'error', role: 'alert' });
  const input = h('input', { type: 'search', id: 'search-input', placeholder: 'Search messages',
    'aria-label': 'Search messages', maxlength: 200 });
  const current = state.current && state.sessions.get(state.current);
  const only = h('input', { type: 'checkbox', id: 'search-only' });
  const scope = current ? h('label', { class: 'check' }, only, ` Only in ${chatTitle(current)}`) : null;
  const results = h('ul', { class: 'search-results', id: 'search-results', 'aria-label': 'Search results' });
  const more = h('button', { type: 'button', id: 'search-more', hidden: true }, 'More results');
  let run = 0; // answers of an older query are dropped
  let next = null;
  let terms = [];

  const search = async (append) => {
    const q = input.value.trim();
    const mine = ++run;
    line.textContent = '';
    if (!q) { fill(results); more.hidden = true; return; }
    const params = new URLSearchParams({ q, limit: '20' });
    if (current && only.checked) params.set('sid', current.sid);
    if (append && next) params.set('before', next);
    let page;
    try {
      page = await api('GET', `/messages/search?${params}`);
    } catch (e) {
      if (mine === run) { line.textContent = e.message; fill(results); more.hidden = true; }
      return;
    }
    if (mine !== run) return;
    terms = page.terms || [];
    next = page.next || null;
    const rows = (page.hits || []).map((m) => hit(m, terms));
    if (append) results.append(...rows);
    else fill(results, rows.length ? rows : h('li', { class: 'muted' }, 'No messages match.'));
    more.hidden = !page.more;
  };
  let timer = 0;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => search(false), 300); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(timer); search(false); } });
  only.addEventListener('change', () => search(false));
  more.addEventListener('click', () => search(true));
  showPanel('Search messages', input, scope, line, results, more);
}

/** One hit: conversation, sender and time, then the text with the searched words marked. */
function hit(m, terms) {
  const s = state.sessions.get(m.sid);
  const text = m.msgType === 'text' ? String(m.content || '') : (m.file && m.file.name) || `[${m.msgType}]`;
  return h('li', { class: 'search-hit', 'data-sid': m.sid, 'data-seq': String(m.seq) },
    h('button', { type: 'button', onclick: () => showMessage(m.sid, m.seq) },
      h('span', { class: 'search-meta' }, h('strong', {}, s ? chatTitle(s) : 'A conversation'),
        h('small', {}, ` ${m.nickname || displayName(m.uid)} · ${stamp(m.at)}`)),
      h('span', { class: 'search-text' }, marked(snippet(text, terms), terms))));
}

/** The time today, else the date and the time. */
const stamp = (at) => (fmt.dayKey(at) === fmt.dayKey(Date.now()) ? fmt.time(at) : `${fmt.when(at)} ${fmt.time(at)}`);

/** Around the first matching word when the text is long. */
function snippet(text, terms) {
  if (text.length <= SNIPPET) return text;
  const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
  const first = words.find((w) => terms.includes(normal(w[0])));
  const start = first ? Math.max(0, first.index - 40) : 0;
  return `${start > 0 ? '…' : ''}${text.slice(start, start + SNIPPET)}…`;
}

/** The text as nodes, each word the query searched for inside a <mark>. */
function marked(text, terms) {
  return text.split(/([\p{L}\p{N}]+)/u).map((part, i) =>
    (i % 2 === 1 && terms.includes(normal(part)) ? h('mark', {}, part) : part));
}

/**
 * Opens a conversation at message `seq`: older pages are loaded until it is there (at most
 * JUMP_PAGES), then it is scrolled to the middle and flashed. Replies' quotes and the pinned list
 * jump the same way.
 */
export async function showMessage(sid, seq) {
  closeDialog();
  if (!state.sessions.has(sid)) { toast('That conversation is no longer yours'); return; }
  if (state.current !== sid) openChat(sid);
  const c = chat(sid);
  let pages = 0;
  for (let waits = 0; !c.bySeq.has(seq) && waits < 400; waits++) {
    if (c.loading) { await new Promise((r) => setTimeout(r, 50)); continue; } // openChat's first page
    if (pages >= JUMP_PAGES || (c.loaded && (!c.olderMore || c.minSeq <= seq))) break;
    pages++;
    await loadPage(sid, c.loaded && c.minSeq !== Infinity ? c.minSeq : undefined);
    if (state.current !== sid) return; // the user went elsewhere meanwhile
  }
  await new Promise((r) => requestAnimationFrame(r));
  const el = $('message-list').querySelector(`[data-seq="${seq}"]`);
  if (!el) { toast('That message is not available any more'); return; }
  el.scrollIntoView({ block: 'center' });
  el.classList.add('flash');
  setTimeout(() => el.classList.remove('flash'), 1500);
}
