// DOM helpers. User text only ever goes through textContent / text nodes:
// nothing here (or anywhere in the client) assigns innerHTML.

/** Element by id. */
export const $ = (id) => document.getElementById(id);

/**
 * h('div', {class: 'x', onclick: fn, 'aria-label': 'y'}, child, 'text', ...)
 * Strings become text nodes; null/false children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/** An icon from index.html's SVG sprite (`#i-<name>`), hidden from assistive technology: label its control. */
export function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'i');
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', `#i-${name}`);
  svg.append(use);
  return svg;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A short message at the top of the screen. The container is a popover, so it is in the top
 * layer, shown again after each new toast so it is above any open dialog; it lives inside the
 * open modal dialog, if any, since a modal dialog makes everything outside it inert (not hit,
 * not announced).
 */
export function toast(text, kind = 'info') {
  const box = $('toasts');
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.append(el);
  placeToasts(true);
  setTimeout(() => {
    el.remove();
    placeToasts(false);
  }, kind === 'error' ? 7000 : 4000);
}

function placeToasts(raise) {
  const box = $('toasts');
  if (!box.showPopover) return;
  const modal = [...document.querySelectorAll('dialog[open]')].pop();
  const parent = modal || document.body;
  const moved = box.parentElement !== parent;
  if (moved) parent.append(box); // (moving closes the popover)
  const open = box.matches(':popover-open');
  if (!box.childElementCount) {
    if (open) box.hidePopover();
    return;
  }
  if (open && raise) box.hidePopover();
  if (!open || raise || moved) box.showPopover();
}

// A dialog that closes takes its toasts with it unless they move out first.
document.addEventListener('close', () => placeToasts(false), true);

/** Initials avatar, or the uploaded image when the user has one. */
export function avatar(name, fileId, extraClass = '') {
  const el = h('span', { class: `avatar ${extraClass}`, 'aria-hidden': 'true' });
  paintAvatar(el, name, fileId);
  return el;
}

export function paintAvatar(el, name, fileId) {
  el.replaceChildren();
  el.dataset.hue = String(hue(name || '?'));
  if (fileId) {
    // The thumbnail, else the image itself (formats without thumbnails), else the initials.
    const full = `/api/v1/files/${encodeURIComponent(fileId)}`;
    el.append(h('img', { src: `${full}/thumb`, alt: '', loading: 'lazy',
      onerror: (e) => {
        if (!e.target.src.endsWith(full)) { e.target.src = full; return; }
        e.target.remove();
        el.textContent = initials(name);
      } }));
  } else {
    el.textContent = initials(name);
  }
}

function initials(name) {
  const words = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0]).join('');
  return (letters || '?').toUpperCase();
}

/** A stable colour family per name (the CSS maps data-hue to a palette). */
function hue(name) {
  let x = 0;
  for (const ch of name) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return x % 8;
}
