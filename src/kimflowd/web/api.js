// Talking to kimflowd's API as any client does: JSON, problem documents for errors, the session
// cookie (sent by the browser) and the CSRF token on every write, If-Match where a page shows
// a version.

let csrfToken = null;
let onSessionEnded = () => {};

/** The session's CSRF token (from the login's answer or GET /api/v1/me). */
export function setCsrfToken(token) { csrfToken = token; }
/** What happens when a request finds the session ended (the log-in page, with @p problem). */
export function whenSessionEnds(handler) { onSessionEnded = handler; }

/** An answer other than success: its status and problem document (type, title, detail). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.type = (problem.type || '').replace('urn:kimflow:problem:', '');
  }
}

/**
 * @p method @p path with JSON @p body; `ifMatch`: the version the page shows.
 * Returns { data, etag }; throws ApiError.
 */
export async function api(method, path, { body, ifMatch } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { title: 'Keine Verbindung', detail: 'Der Dienst ist nicht erreichbar. Bitte später noch einmal versuchen.' });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (!res.ok) {
    const error = new ApiError(res.status, data || {});
    if (res.status === 401 && path !== '/api/v1/session') onSessionEnded(error);
    throw error;
  }
  return { data, etag: res.headers.get('ETag') };
}

/** GET @p path, the data only. */
export async function get(path) {
  return (await api('GET', path)).data;
}

/** A query string from @p params (empty values left out). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

let labels = null;

/** Loads the German words for every code (GET /api/v1/labels), once. */
export async function loadLabels() {
  if (!labels) labels = await (await fetch('/api/v1/labels', { credentials: 'same-origin' })).json();
  return labels;
}

function of(lifecycle, kind, id) {
  const table = labels && labels[lifecycle] && labels[lifecycle][kind];
  return (table && table[id]) || id;
}

/** German word of state @p id of @p lifecycle (paper, case, resolution). */
export const stateLabel = (lifecycle, id) => of(lifecycle, 'states', id);
/** German words of event @p id. */
export const eventLabel = (lifecycle, id) => of(lifecycle, 'events', id);
/** German words of field or data member @p name. */
export const fieldLabel = (lifecycle, name) => of(lifecycle, 'fields', name);
/** German words of value @p code of the enumerated field @p field. */
export function choiceLabel(lifecycle, field, code) {
  const choices = labels && labels[lifecycle] && labels[lifecycle].choices && labels[lifecycle].choices[field];
  return (choices && choices[code]) || code;
}
/** German name of the lifecycle itself (Fall, Drucksache, Beschluss). */
export function lifecycleLabel(lifecycle) {
  return (labels && labels[lifecycle] && labels[lifecycle].label) || lifecycle;
}

/** Where instances of @p lifecycle live in the API and in the pages' addresses. */
export const paths = {
  case: { api: '/api/v1/cases', page: '#/fall/' },
  paper: { api: '/api/v1/papers', page: '#/drucksache/' },
  resolution: { api: '/api/v1/resolutions', page: '#/beschluss/' },
};

/** The page address of instance @p id of @p lifecycle. */
export function pageOf(lifecycle, id) {
  return paths[lifecycle].page + encodeURIComponent(id);
}

/** German words of the roles of the default policy. */
export const roleLabels = {
  case_manager: 'Fallmanagement', kreis_coordinator: 'Kreiskoordination', sitzungsdienst: 'Sitzungsdienst',
  verwaltung: 'Verwaltung', fraktion: 'Fraktion', administrator: 'Administration', datenschutz: 'Datenschutz',
};
