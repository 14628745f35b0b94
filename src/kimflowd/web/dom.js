// Building the page: elements are made with text nodes only, never from HTML strings, so that
// whatever a user typed is shown as text (no markup of theirs ever runs).

/** An element @p tag with attributes @p attrs (`on…`: listeners; `class`; false/null: left out). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

const svgNamespace = 'http://www.w3.org/2000/svg';

/** An SVG element, as h() makes HTML ones. */
export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(svgNamespace, tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class' && !(el instanceof SVGElement)) el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the content of @p el with @p children. */
export function put(el, ...children) {
  el.replaceChildren();
  return fill(el, {}, children);
}

const berlinTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});
const berlinDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A timestamp of the API (UTC) as people in NRW read it: "05.12.2026, 17:03 Uhr". */
export function when(timestamp) {
  if (!timestamp) return '';
  return berlinTime.format(new Date(timestamp)) + ' Uhr';
}

/** A day of the API (YYYY-MM-DD) as "20.03.2025". */
export function day(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** Today in Europe/Berlin, YYYY-MM-DD. */
export function today() {
  return berlinDay.format(new Date());
}

/** The day @p n days after @p iso (YYYY-MM-DD). */
export function addDays(iso, n) {
  const t = new Date(iso + 'T12:00:00Z');
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** A number in German notation: 3,5. */
export function number(n, digits = 0) {
  if (n === null || n === undefined) return '–';
  return n.toLocaleString('de-DE', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A table with a caption, column headers and rows of cells (text or elements). */
export function table(caption, headers, rows, attrs = {}) {
  return h('table', attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.length
      ? rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))
      : h('tr', {}, h('td', { colspan: headers.length }, 'Keine Einträge.'))));
}

/** Says @p text to screen readers (the polite live region). */
export function announce(text) {
  const live = document.getElementById('live');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

/** Sets the page's title and heading and moves the focus to the main area. */
export function page(title, ...content) {
  document.title = `${title} – kimflow`;
  const main = document.getElementById('main');
  put(main, h('h1', {}, title), ...content);
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  return main;
}

/** A message block: `error` (role alert), `warning` or `info`. */
export function message(kind, ...content) {
  return h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...content);
}
