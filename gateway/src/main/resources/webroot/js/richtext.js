// Message text to DOM nodes: links (http and https only), and Markdown-lite:
// **bold**, *italic* or _italic_, `inline code`, ```code blocks```. Every node
// is made with document.createElement and text nodes: the user's text is never
// parsed as HTML, so a `<b>` in it stays the four characters it is.
import { h } from './dom.js';

// A fenced block: ``` optionally followed by a language word on its line, up to the next ```.
const BLOCK = /```(?:[A-Za-z0-9_+-]*\n)?([\s\S]*?)```/g;

// One inline token, leftmost first: code, bold, italic (* or _, not inside words), a web address.
const INLINE = new RegExp([
  '`([^`\\n]+)`',
  '\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*',
  '(?<![\\p{L}\\p{N}*])\\*(?=\\S)([^*\\n]*?\\S)\\*(?![\\p{L}\\p{N}*])',
  '(?<![\\p{L}\\p{N}_])_(?=\\S)([^_\\n]*?\\S)_(?![\\p{L}\\p{N}_])',
  '\\bhttps?://[^\\s<>"]+',
].join('|'), 'giu');

/**
 * The nodes that show `text`: blocks split out first, then inline marks within each part. `labels`
 * ([{text: '@Bob', me}], from mentionLabels) are the mentions the message carries: where the plain
 * text shows one, it becomes a highlighted span (more strongly when it is the reader).
 */
export function richText(text, labels = []) {
  const nodes = [];
  let at = 0;
  for (const m of String(text).matchAll(BLOCK)) {
    if (m.index > at) nodes.push(...marked(inline(text.slice(at, m.index)), labels));
    nodes.push(h('pre', { class: 'code-block' }, h('code', {}, m[1].replace(/\n$/, ''))));
    at = m.index + m[0].length;
  }
  if (at < text.length) nodes.push(...marked(inline(text.slice(at)), labels));
  return nodes;
}

/**
 * What a message's mentions look like in its text: '@' + the nickname of each mentioned uid (as the
 * composer wrote it) and '@all' for mentionAll; `me` when it is the reader (or everyone, to others).
 * Only what the message's mentions say is highlighted, never any '@word' of the text.
 */
export function mentionLabels(m, myUid, nicknameOf) {
  const labels = [];
  if (m.mentionAll === true) labels.push({ text: '@all', me: m.uid !== myUid });
  for (const uid of Array.isArray(m.mentions) ? m.mentions : []) {
    const name = nicknameOf(uid);
    if (name) labels.push({ text: `@${name}`, me: uid === myUid });
  }
  return labels.sort((a, b) => b.text.length - a.text.length); // '@Ann Lee' before '@Ann'
}

/** The text nodes among `nodes` with the labels' occurrences as mention spans (elements are left as they are). */
function marked(nodes, labels) {
  if (!labels.length) return nodes;
  return nodes.flatMap((node) => (typeof node === 'string' ? splitMentions(node, labels) : [node]));
}

function splitMentions(text, labels) {
  const out = [];
  let at = 0;
  let plain = 0;
  while (at < text.length) {
    const label = text[at] === '@' && (at === 0 || !/[\p{L}\p{N}_]/u.test(text[at - 1]))
      ? labels.find((l) => text.startsWith(l.text, at)) : null;
    if (label) {
      if (at > plain) out.push(text.slice(plain, at));
      out.push(h('span', { class: `mention${label.me ? ' mention-me' : ''}` }, label.text));
      at += label.text.length;
      plain = at;
    } else {
      at++;
    }
  }
  if (plain < text.length) out.push(text.slice(plain));
  return out;
}

function inline(text) {
  const nodes = [];
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    let end = m.index + m[0].length;
    let node;
    if (m[1] !== undefined) node = h('code', {}, m[1]);
    else if (m[2] !== undefined) node = h('strong', {}, ...inline(m[2]));
    else if (m[3] !== undefined) node = h('em', {}, ...inline(m[3]));
    else if (m[4] !== undefined) node = h('em', {}, ...inline(m[4]));
    else {
      const address = trimAddress(m[0]);
      end = m.index + address.length;
      node = link(address);
    }
    if (m.index > at) nodes.push(text.slice(at, m.index));
    nodes.push(node);
    at = end; // a trimmed address's tail ("," or ")") is text again, up to the next token
  }
  if (at < text.length) nodes.push(text.slice(at));
  return nodes;
}

/** Punctuation that ends a sentence is not part of the address; a ")" only if it closes nothing in it. */
function trimAddress(raw) {
  let address = raw;
  for (;;) {
    const last = address.slice(-1);
    if (/[.,;:!?'"]/.test(last)) address = address.slice(0, -1);
    else if (last === ')' && (address.match(/\(/g) || []).length < (address.match(/\)/g) || []).length) address = address.slice(0, -1);
    else return address;
  }
}

/** An http(s) link that opens in a new tab without telling the page where it came from; anything else stays text. */
function link(address) {
  let url;
  try { url = new URL(address); } catch { return address; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return address;
  return h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer', class: 'link-out' }, address);
}
