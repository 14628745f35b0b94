// The web pages' entry: log-in, navigation by the address's #fragment, log-out.
import { api, ApiError, loadLabels, roleLabels, setCsrfToken, whenSessionEnds } from './api.js';
import { h, message, page, put } from './dom.js';
import { startPage, casesPage, papersPage } from './pages.js';
import { instancePage } from './instance.js';
import { kimReportPage, resolutionReportPage } from './reports.js';

let me = null;

/** Who is logged in: {name, actor: {id, role, organization}}; null on the log-in page. */
export function account() { return me; }

function navigation() {
  const role = me.actor.role;
  const links = [['#/', 'Start']];
  if (role === 'case_manager' || role === 'kreis_coordinator') links.push(['#/faelle', 'Fälle']);
  links.push(['#/drucksachen', 'Drucksachen'], ['#/beschlusskontrolle', 'Beschlusskontrolle']);
  if (role === 'case_manager' || role === 'kreis_coordinator') links.push(['#/kennzahlen', 'KIM-Kennzahlen']);
  const here = location.hash || '#/';
  put(document.getElementById('nav'), h('ul', {}, links.map(([href, text]) =>
    h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : null }, text)))));
  put(document.getElementById('who'),
    h('span', { class: 'who-name' }, `${me.name} · ${roleLabels[role] || role} · ${me.actor.organization}`),
    ' ',
    h('button', { type: 'button', class: 'secondary', onclick: logout }, 'Abmelden'));
}

async function logout() {
  try {
    await api('DELETE', '/api/v1/session');
  } catch (e) {
    // Only a session that has ended already is logged out; otherwise say so and stay: on a
    // shared computer the next person must not find this session still open.
    if (!(e instanceof ApiError && e.status === 401)) {
      put(document.getElementById('main'), h('h1', {}, 'Abmelden fehlgeschlagen'),
        message('error', `Die Abmeldung hat nicht geklappt (${e.message}). Bitte laden Sie die Seite neu und melden Sie sich erneut ab, oder schließen Sie den Browser.`));
      return;
    }
  }
  me = null;
  setCsrfToken(null);
  loginPage(message('info', 'Sie sind abgemeldet.'));
}

function loginPage(notice) {
  put(document.getElementById('nav'));
  put(document.getElementById('who'));
  const error = h('div', { id: 'login-error' });
  const name = h('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'login-name' }, 'Anmeldename'), name),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Passwort'), password),
    h('button', { type: 'submit' }, 'Anmelden'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    put(error);
    if (!name.value || !password.value) {
      put(error, message('error', 'Bitte Anmeldename und Passwort eingeben.'));
      (name.value ? password : name).focus();
      return;
    }
    try {
      const { data } = await api('POST', '/api/v1/session', { body: { name: name.value, password: password.value, cookie: true } });
      setCsrfToken(data.csrf_token);
      me = data;
      route();
    } catch (e) {
      const text = e instanceof ApiError && e.status === 401 ? 'Anmeldename oder Passwort ist falsch.'
        : e instanceof ApiError && e.status === 429 ? 'Zu viele Fehlversuche. Bitte warten Sie und versuchen Sie es dann noch einmal.'
          : e.message;
      put(error, message('error', text));
      password.value = '';
      password.focus();
    }
  });
  page('Anmelden', notice || null, error, form);
  name.focus();
}

const routes = [
  [/^#?\/?$/, () => startPage()],
  [/^#\/faelle$/, () => casesPage()],
  [/^#\/drucksachen$/, () => papersPage()],
  [/^#\/beschlusskontrolle(?:\?.*)?$/, () => resolutionReportPage()],
  [/^#\/kennzahlen(?:\?.*)?$/, () => kimReportPage()],
  [/^#\/fall\/(.+)$/, (id) => instancePage('case', id)],
  [/^#\/drucksache\/(.+)$/, (id) => instancePage('paper', id)],
  [/^#\/beschluss\/(.+)$/, (id) => instancePage('resolution', id)],
];

// Pages load asynchronously: one asked for earlier may arrive after one asked for later.
let navigations = 0;
let shown = 0;

async function route() {
  if (!me) return;
  const hash = location.hash || '#/';
  // An anchor within the page (the skip link's #main) is no page of its own.
  if (!hash.startsWith('#/')) return;
  const current = ++navigations;
  navigation();
  for (const [pattern, show] of routes) {
    const found = hash.match(pattern);
    if (!found) continue;
    try {
      await show(...found.slice(1).map(decodeURIComponent));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      page('Fehler', message('error', e instanceof ApiError && e.status === 404
        ? 'Diesen Eintrag gibt es nicht, oder Sie dürfen ihn nicht sehen.' : e.message));
    }
    // An older page drew over a newer one: draw the page of the address again.
    if (current < shown) return route();
    shown = current;
    return;
  }
  page('Nicht gefunden', message('error', 'Diese Seite gibt es nicht.'), h('p', {}, h('a', { href: '#/' }, 'Zur Startseite')));
}

whenSessionEnds((error) => {
  if (!me) return; // not logged in: nothing ended
  me = null;
  setCsrfToken(null);
  loginPage(message('warning', error.type === 'session-ended' && /without use|ohne/.test(error.message)
    ? 'Ihre Sitzung wurde nach längerer Inaktivität beendet. Bitte melden Sie sich neu an.'
    : 'Ihre Sitzung ist beendet. Bitte melden Sie sich neu an.'));
});

async function boot() {
  // Opened at an anchor (a bookmark of #main): start at the start page.
  if (location.hash && !location.hash.startsWith('#/')) history.replaceState(null, '', '#/');
  await loadLabels();
  try {
    const { data } = await api('GET', '/api/v1/me');
    if (data.via !== 'cookie') throw new Error('not a web session');
    me = data;
    setCsrfToken(data.csrf_token);
    route();
  } catch (e) {
    if (!me) loginPage();
  }
}

window.addEventListener('hashchange', route);
boot();
