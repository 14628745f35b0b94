// The start page of each role and the lists: a case manager's cases and Wiedervorlagen, a Kreis
// coordinator's figures and cases by Träger, the Sitzungsdienst's papers by committee and
// meeting with what is overdue, and the Beschlusskontrolle.
import { get, query, stateLabel, pageOf, fieldLabel } from './api.js';
import { h, page, table, day, today, addDays, number, message } from './dom.js';
import { account } from './app.js';
import { newCaseForm } from './instance.js';
import { resolutionTable, figuresTable } from './reports.js';

const link = (lifecycle, id) => h('a', { href: pageOf(lifecycle, id) }, id);

/** The case's phase and consent in words. */
export function caseState(c) {
  const [consent, phase] = c.states || [];
  return `${stateLabel('case', phase || c.state)} · ${stateLabel('case', consent || '')}`;
}

/** Whether a case has ended: closed, or aborted. */
const finished = (c) => ['closed', 'aborted'].includes((c.states || [])[1]);

function caseRows(cases) {
  return cases.map((c) => [link('case', c.id), caseState(c), c.data.kommune || '', c.data.traeger || '', c.data.manager || '']);
}

const caseHeaders = () => ['Fall', 'Stand', fieldLabel('case', 'kommune'), fieldLabel('case', 'traeger'), fieldLabel('case', 'manager')];

/** The Wiedervorlagen due in the coming seven days (on a Friday, the next week's Monday counts
 *  too), split into overdue and due. */
async function followUps() {
  const now = today();
  const until = addDays(now, 7);
  const due = await get('/api/v1/cases' + query({ due_for_follow_up: 'true', to: until }));
  const overdue = [], week = [];
  for (const c of due) {
    for (const w of c.due_follow_ups) {
      const row = [link('case', c.id), day(w.date), w.subject || '–', caseState(c)];
      (w.date < now ? overdue : week).push(row);
    }
  }
  const headers = ['Fall', 'Fällig am', 'Betreff', 'Stand'];
  return h('section', { 'aria-labelledby': 'wv' },
    h('h2', { id: 'wv' }, 'Wiedervorlagen'),
    table(`Überfällig (${overdue.length})`, headers, overdue, { class: 'overdue', id: 'followups-overdue' }),
    table(`Fällig in den nächsten sieben Tagen, bis ${day(until)} (${week.length})`, headers, week, { id: 'followups-week' }));
}

async function caseManagerStart() {
  const cases = await get('/api/v1/cases');
  const open = cases.filter((c) => !finished(c));
  page('Meine Fälle',
    await followUps(),
    h('section', { 'aria-labelledby': 'cases' },
      h('h2', { id: 'cases' }, 'Fälle'),
      table(`Offene Fälle (${open.length})`, caseHeaders(), caseRows(open), { id: 'my-cases' })),
    await newCaseForm());
}

async function coordinatorStart() {
  const year = today().slice(0, 4);
  const [report, cases] = await Promise.all([
    get('/api/v1/reports/kim' + query({ from: `${year}-01-01`, to: today() })),
    get('/api/v1/cases')]);
  const byTraeger = new Map();
  for (const c of cases) {
    const key = c.data.traeger || '(ohne Träger)';
    if (!byTraeger.has(key)) byTraeger.set(key, []);
    byTraeger.get(key).push(c);
  }
  const rows = [...byTraeger.entries()].sort().map(([traeger, list]) => [
    traeger, number(list.length), number(list.filter((c) => !finished(c)).length),
    list.map((c) => [link('case', c.id), ' ']).flat()]);
  page(`Kreis: Kennzahlen ${year}`,
    figuresTable(`Kennzahlen vom 01.01.${year} bis heute`, report.total),
    h('p', {}, h('a', { href: '#/kennzahlen' }, 'Alle Kennzahlen mit Zeitraum, Diagrammen und Downloads')),
    h('section', { 'aria-labelledby': 'by-traeger' },
      h('h2', { id: 'by-traeger' }, 'Fälle nach Träger'),
      table('Fälle nach Träger', ['Träger', 'Fälle', 'davon offen', 'Fälle'], rows, { id: 'cases-by-traeger' })));
}

/** Papers grouped by committee, then by meeting day. */
function byCommittee(papers) {
  const committees = new Map();
  for (const p of papers) {
    for (const c of p.data.consultations || []) {
      const name = c.organization || '(ohne Gremium)';
      if (!committees.has(name)) committees.set(name, new Map());
      const meetings = committees.get(name);
      const key = c.meeting_date || '';
      if (!meetings.has(key)) meetings.set(key, []);
      meetings.get(key).push([p, c]);
    }
  }
  return [...committees.entries()].sort().map(([name, meetings]) => h('section', { class: 'committee' },
    h('h3', {}, name),
    [...meetings.entries()].sort().map(([meeting, items]) => table(
      meeting ? `Sitzung am ${day(meeting)}` : 'Noch keine Sitzung',
      ['Drucksache', 'Betreff', 'Stand', 'Rolle', 'Ergebnis'],
      items.map(([p, c]) => [link('paper', p.id), p.data.title, stateLabel('paper', p.state), c.role || '', c.result || '–'])))));
}

async function sitzungsdienstStart() {
  const now = today();
  const [papers, overdue, report] = await Promise.all([
    get('/api/v1/papers'), get('/api/v1/papers?overdue=true'),
    get('/api/v1/reports/resolutions' + query({ from: `${Number(now.slice(0, 4)) - 1}-01-01`, to: now }))]);
  const pending = [];
  for (const p of papers)
    for (const c of p.data.consultations || [])
      if (c.meeting_date && c.meeting_date < now && c.status !== 'treated' && !['withdrawn', 'completed'].includes(p.state))
        pending.push([link('paper', p.id), p.data.title, c.organization || '', day(c.meeting_date)]);
  page('Sitzungsdienst',
    h('section', { 'aria-labelledby': 'overdue' },
      h('h2', { id: 'overdue' }, 'Überfällig'),
      table(`Antworten überfällig (${overdue.length})`, ['Drucksache', 'Betreff', 'Eingereicht von', 'Stand'],
        overdue.map((p) => [link('paper', p.id), p.data.title, p.data.originator || '', stateLabel('paper', p.state)]),
        { id: 'answers-overdue' }),
      table(`Ergebnisse ausstehend (${pending.length})`, ['Drucksache', 'Betreff', 'Gremium', 'Sitzung'], pending,
        { id: 'results-pending' })),
    h('section', { 'aria-labelledby': 'bk' },
      h('h2', { id: 'bk' }, 'Beschlusskontrolle'),
      resolutionTable(report, 'open'),
      h('p', {}, h('a', { href: '#/beschlusskontrolle' }, 'Bericht der Beschlusskontrolle mit allen Beschlüssen'))),
    h('section', { 'aria-labelledby': 'committees' },
      h('h2', { id: 'committees' }, 'Drucksachen nach Gremium und Sitzung'),
      byCommittee(papers)));
}

/** The start page of the logged-in account's role. */
export async function startPage() {
  const role = account().actor.role;
  if (role === 'case_manager') return caseManagerStart();
  if (role === 'kreis_coordinator') return coordinatorStart();
  return sitzungsdienstStart();
}

/** Every case the account may read. */
export async function casesPage() {
  const cases = await get('/api/v1/cases');
  page('Fälle', table(`Alle Fälle (${cases.length})`, caseHeaders(), caseRows(cases), { id: 'all-cases' }));
}

/** Every paper, by committee and meeting, and as one list. */
export async function papersPage() {
  const papers = await get('/api/v1/papers');
  page('Drucksachen',
    table(`Alle Drucksachen (${papers.length})`, ['Drucksache', 'Betreff', 'Art', 'Stand'],
      papers.map((p) => [link('paper', p.id), p.data.title, p.data.type || '', stateLabel('paper', p.state)]),
      { id: 'all-papers' }),
    h('h2', {}, 'Nach Gremium und Sitzung'),
    papers.length ? byCommittee(papers) : message('info', 'Noch keine Drucksachen.'));
}
