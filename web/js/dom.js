// dom: a small element builder. Text always goes in as text (never as
// HTML), so nothing the API returns can become markup.

/**
 * h('p', {class: 'x', onclick: fn, hidden: true}, 'text', child, [more])
 * Attributes: class, text, dataset (object), on<event> (function), boolean
 * true/false for boolean attributes, null/undefined are left out.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'value') el.value = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

const SVG = 'http://www.w3.org/2000/svg';
const SPRITE = '/assets/dkfds/img/all-svg-icons.used.svg';

/** A Det Fælles Designsystem icon from its sprite, hidden from screen
 * readers (the text beside it says what it is). */
export function icon(name, cls = '') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', `icon-svg${cls ? ` ${cls}` : ''}`);
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', `${SPRITE}#${name}`);
  svg.append(use);
  return svg;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function newId(prefix = 'k') {
  uid += 1;
  return `${prefix}-${uid}`;
}
