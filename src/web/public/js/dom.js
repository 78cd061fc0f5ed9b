// A tiny element builder: text is always set as text, never parsed as HTML, so data from the API cannot inject markup.
const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function applyAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
}

/** `h('a', { href: '#/x', class: 'btn' }, 'text', child, [more])` */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/** The same for SVG elements (charts are drawn by hand as inline SVG). */
export function s(tag, attributes, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * The clock the page reads, as the engine counts days: the zone of the user's region (WIB, WITA or WIT), or on an
 * agreement's pages the zone of its proposer, the region whose clock decides for the agreement. Set by each view.
 */
let clock = { name: 'WIB', iana: 'Asia/Jakarta' };
export const useClockOf = (region) => {
  if (region?.timeZone) clock = region.timeZone;
};

/** A calendar date as written; an instant in the page's clock, with the zone's name. */
export const formatDate = (iso, lang) => {
  if (!iso) return '–';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  const options = iso.length === 10 ? { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: clock.iana };
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', options).format(date);
  return iso.length === 10 ? text : `${text} ${clock.name}`;
};

/** Today on the page's clock: the default of every date field. */
export const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: clock.iana }).format(new Date());
