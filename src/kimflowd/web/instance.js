// One case, paper or resolution: its state in words, its data, the events it takes now as forms
// built from the events' field descriptions, its history in local time and its lifecycle drawn
// with the current state marked. A write carries the version shown (If-Match): a page someone
// else changed meanwhile says so and offers to reload instead of overwriting.
import { api, ApiError, get, paths, pageOf, stateLabel, eventLabel, fieldLabel, choiceLabel, lifecycleLabel } from './api.js';
import { h, page, put, when, day, message, announce } from './dom.js';

let lifecycles = null;

/** The events of every lifecycle with their fields (GET /api/v1/lifecycles), once. */
async function eventsOf(lifecycle) {
  if (!lifecycles) lifecycles = await get('/api/v1/lifecycles');
  return lifecycles.find((l) => l.lifecycle === lifecycle).events;
}

// Free text that may run over several lines (kimflow/core/input.hpp's multiline fields).
const multiline = new Set(['completion_note', 'delay_reason', 'goal', 'note', 'purpose', 'reason', 'skip_reason', 'text', 'withdrawal_reason']);

/** The input for field @p f of an event form; @p prefix makes its id unique on the page. */
function fieldControl(lifecycle, f, prefix) {
  const id = `${prefix}-${f.name}`;
  const hintId = `${id}-hint`;
  let control;
  let hint = null;
  const common = { id, name: f.name, required: f.required, 'aria-required': f.required ? 'true' : null };
  if (f.kind.startsWith('one of: ')) {
    const codes = f.kind.slice('one of: '.length).split(', ');
    control = h('select', common,
      h('option', { value: '' }, f.required ? 'Bitte wählen …' : '(keine Angabe)'),
      codes.map((code) => h('option', { value: code }, choiceLabel(lifecycle, f.name, code))));
  } else if (f.kind === 'date') {
    control = h('input', { ...common, type: 'date' });
  } else if (f.kind === 'time') {
    control = h('input', { ...common, type: 'datetime-local' });
    hint = 'Ortszeit dieses Computers';
  } else if (f.kind === 'number') {
    control = h('input', { ...common, type: 'number', min: '0', step: '1' });
  } else if (f.kind === 'yes/no') {
    control = h('input', { id, name: f.name, type: 'checkbox' });
  } else if (f.kind.startsWith('list of')) {
    control = h('input', { ...common, type: 'text' });
    hint = 'Mehrere Einträge durch Komma trennen.';
  } else if (multiline.has(f.name)) {
    control = h('textarea', { ...common, rows: 3 });
  } else {
    control = h('input', { ...common, type: 'text' });
  }
  if (hint) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: f.kind === 'yes/no' ? 'field field-check' : 'field' },
    h('label', { for: id }, fieldLabel(lifecycle, f.name), f.required ? h('span', { class: 'required' }, ' (Pflichtfeld)') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

/** The JSON body of a form: lists as arrays, check boxes as booleans, empty fields left out. */
function payloadOf(form, fields) {
  const body = {};
  for (const f of fields) {
    const control = form.elements[f.name];
    if (f.kind === 'yes/no') { if (control.checked) body[f.name] = true; continue; }
    const value = control.value.trim();
    if (!value) continue;
    if (f.kind.startsWith('list of')) body[f.name] = value.split(',').map((s) => s.trim()).filter((s) => s);
    else if (f.kind === 'time') body[f.name] = new Date(value).toISOString().replace('.000Z', 'Z');
    else body[f.name] = value;
  }
  return body;
}

/** A refusal of the API as the message next to the form. */
function refusal(e) {
  if (!(e instanceof ApiError)) return message('error', e.message);
  if (e.status === 403) return message('error', h('strong', {}, 'Nicht erlaubt: '), e.message);
  if (e.status === 409) return message('error', h('strong', {}, 'Abgelehnt: '), e.message);
  if (e.status === 422) return message('error', h('strong', {}, 'Eingabe prüfen: '), e.message);
  return message('error', h('strong', {}, `Fehler (${e.status}): `), e.message);
}

/** The form of event @p event on instance @p view (version @p version). */
function eventForm(lifecycle, view, event, reload) {
  const prefix = `ev-${event.event}`;
  const result = h('div', { class: 'form-result', id: `${prefix}-result` });
  const form = h('form', { class: 'event-form', id: `${prefix}-form`, 'aria-labelledby': `${prefix}-title`, novalidate: true },
    h('h3', { id: `${prefix}-title` }, eventLabel(lifecycle, event.event)),
    event.fields.length ? event.fields.map((f) => fieldControl(lifecycle, f, prefix)) : h('p', { class: 'hint' }, 'Keine Angaben nötig.'),
    h('button', { type: 'submit' }, eventLabel(lifecycle, event.event)),
    result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    put(result);
    const missing = event.fields.filter((f) => f.required && f.kind !== 'yes/no' && !form.elements[f.name].value.trim());
    if (missing.length) {
      put(result, message('error', 'Bitte ausfüllen: ', missing.map((f) => fieldLabel(lifecycle, f.name)).join(', ')));
      form.elements[missing[0].name].focus();
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true; // one click, one write
    try {
      const path = `${paths[lifecycle].api}/${encodeURIComponent(view.id)}/events/${encodeURIComponent(event.event)}`;
      await api('POST', path, { body: payloadOf(form, event.fields), ifMatch: view.version });
      announce(`${eventLabel(lifecycle, event.event)}: gespeichert.`);
      await reload(`${eventLabel(lifecycle, event.event)}: gespeichert.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        const again = h('button', { type: 'button', onclick: () => reload() }, 'Neu laden');
        put(result, message('warning', h('strong', {}, 'Diese Seite ist veraltet: '),
          'Jemand anderes hat inzwischen etwas eingetragen. Ihre Eingabe wurde nicht gespeichert. ',
          'Laden Sie die Seite neu, prüfen Sie den neuen Stand und tragen Sie dann erneut ein.', ' ', again));
        again.focus();
        return;
      }
      put(result, refusal(err));
      const first = form.querySelector('input, select, textarea, button');
      if (first) first.focus();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** A value of the data as text or a list. */
function valueOf(lifecycle, name, value) {
  if (value === null || value === undefined || value === '') return '–';
  if (Array.isArray(value)) {
    if (!value.length) return '–';
    return h('ul', {}, value.map((v) => h('li', {}, typeof v === 'object' ? summary(lifecycle, v) : String(v))));
  }
  if (typeof value === 'object') return summary(lifecycle, value);
  if (typeof value === 'boolean') return value ? 'ja' : 'nein';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return when(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return day(value);
  // A phase or state a record names (the case's phases, a transition's from and to).
  if (['phase', 'state', 'from', 'to', 'paused_from', 'waiting_state'].includes(name)) return stateLabel(lifecycle, String(value));
  return choiceLabel(lifecycle, name, String(value));
}

function summary(lifecycle, object) {
  return h('dl', { class: 'inline' }, Object.entries(object).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => [h('dt', {}, fieldLabel(lifecycle, k)), h('dd', {}, valueOf(lifecycle, k, v))]));
}

/** The history as a timeline, newest last, in local time. */
function timeline(lifecycle, history) {
  return h('ol', { class: 'timeline', id: 'history' }, history.map((r) => h('li', {},
    h('p', { class: 'timeline-head' },
      h('time', { datetime: r.at }, when(r.at)), ' · ',
      h('strong', {}, eventLabel(lifecycle, r.event)), ' · ',
      `${stateLabel(lifecycle, r.from)} → ${stateLabel(lifecycle, r.to)}`),
    h('p', { class: 'timeline-who' }, `durch ${r.actor.id} (${r.actor.organization || r.actor.role})`),
    r.payload ? h('p', { class: 'timeline-payload' }, r.payload) : null)));
}

/** The lifecycle's diagram, drawn at build time, with the current states marked by frame and word. */
async function diagram(lifecycle, states) {
  const res = await fetch(`/assets/diagram-${lifecycle}.svg`, { credentials: 'same-origin' });
  if (!res.ok) return message('info', 'Das Diagramm ist nicht verfügbar.');
  const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
  const drawing = document.importNode(doc.documentElement, true);
  drawing.setAttribute('role', 'img');
  drawing.setAttribute('aria-labelledby', 'diagram-caption');
  drawing.removeAttribute('width');
  drawing.removeAttribute('height');
  for (const node of drawing.querySelectorAll('g.node')) {
    const title = node.querySelector('title');
    if (title && states.includes(title.textContent)) {
      node.classList.add('current');
      const text = node.querySelector('text');
      if (text) text.textContent = `▶ ${text.textContent}`;
    }
  }
  return h('figure', { class: 'diagram' }, drawing,
    h('figcaption', { id: 'diagram-caption' }, `Ablauf: ${lifecycleLabel(lifecycle)}. Aktuell (markiert mit ▶): `,
      states.map((s) => stateLabel(lifecycle, s)).join(', ')));
}

/** The page of instance @p id of @p lifecycle. */
export async function instancePage(lifecycle, id, notice) {
  const base = `${paths[lifecycle].api}/${encodeURIComponent(id)}`;
  const [{ data: view }, history, events] = await Promise.all([api('GET', base), get(`${base}/history`), eventsOf(lifecycle)]);
  const reload = (text) => instancePage(lifecycle, id, text ? message('info', text) : null);
  const states = view.states || [view.state];
  const allowed = events.filter((e) => (view.allowed_events || []).includes(e.event));
  page(`${lifecycleLabel(lifecycle)} ${view.id}`,
    notice || null,
    h('p', { class: 'state', id: 'state' }, 'Stand: ', h('strong', {}, states.map((s) => stateLabel(lifecycle, s)).join(' · ')),
      ` (Version ${view.version})`,
      view.status ? [' · Beschlusskontrolle: ', h('strong', {}, choiceLabel('resolution', 'status', view.status))] : null),
    h('div', { class: 'instance-grid' },
      h('section', { 'aria-labelledby': 'data-title', class: 'data' },
        h('h2', { id: 'data-title' }, 'Angaben'),
        summary(lifecycle, view.data)),
      h('section', { 'aria-labelledby': 'events-title', class: 'events no-print' },
        h('h2', { id: 'events-title' }, 'Jetzt möglich'),
        allowed.length ? allowed.map((e) => eventForm(lifecycle, view, e, reload))
          : h('p', {}, 'Sie können hier im Moment nichts eintragen.'))),
    h('section', { 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'Verlauf'), timeline(lifecycle, history)),
    h('section', { 'aria-labelledby': 'diagram-title', class: 'no-print' },
      h('h2', { id: 'diagram-title' }, 'Ablauf'), await diagram(lifecycle, states)),
    h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Fallblatt drucken')));
}

/** The form that opens a new case (the `open` event's fields and an id). */
export async function newCaseForm() {
  const open = (await eventsOf('case')).find((e) => e.event === 'open');
  const result = h('div', { id: 'new-case-result' });
  const form = h('form', { id: 'new-case-form', 'aria-labelledby': 'new-case-title', novalidate: true },
    h('h2', { id: 'new-case-title' }, 'Neuen Fall anlegen'),
    h('div', { class: 'field' }, h('label', { for: 'new-case-id' }, 'Aktenzeichen', h('span', { class: 'required' }, ' (Pflichtfeld)')),
      h('input', { id: 'new-case-id', name: 'id', required: true, 'aria-required': 'true' })),
    open.fields.map((f) => fieldControl('case', f, 'new-case')),
    h('button', { type: 'submit' }, 'Fall anlegen'), result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = form.elements.id.value.trim();
    const missing = [!id ? 'Aktenzeichen' : null, ...open.fields.filter((f) => f.required && !form.elements[f.name].value.trim()).map((f) => fieldLabel('case', f.name))].filter(Boolean);
    const firstField = form.querySelector('input, select, textarea');
    if (missing.length) {
      put(result, message('error', 'Bitte ausfüllen: ', missing.join(', ')));
      firstField.focus();
      return;
    }
    try {
      await api('POST', '/api/v1/cases', { body: { id, ...payloadOf(form, open.fields) } });
      location.hash = pageOf('case', id);
    } catch (err) {
      put(result, refusal(err));
      firstField.focus();
    }
  });
  return form;
}
