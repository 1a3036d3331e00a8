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

/** The nodes that show `text`: blocks split out first, then inline marks within each part. */
export function richText(text) {
  const nodes = [];
  let at = 0;
  for (const m of String(text).matchAll(BLOCK)) {
    if (m.index > at) nodes.push(...inline(text.slice(at, m.index)));
    nodes.push(h('pre', { class: 'code-block' }, h('code', {}, m[1].replace(/\n$/, ''))));
    at = m.index + m[0].length;
  }
  if (at < text.length) nodes.push(...inline(text.slice(at)));
  return nodes;
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
