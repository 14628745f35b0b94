// Reports: the KIM figures of a period with bar charts (inline SVG) and downloads as CSV for
// German Excel and as JSON; the Beschlusskontrolle by committee. Both print as lists.
import { get, query, choiceLabel, stateLabel, pageOf } from './api.js';
import { h, svg, page, table, day, today, number, message } from './dom.js';

// Status words that stand without colour: the symbol and the word say it, colour only repeats it.
const statusSymbol = { on_time: '○', due_soon: '◐', overdue: '●', done: '✓', dropped: '✕' };
const statusFallback = { on_time: 'im Zeitplan', due_soon: 'bald fällig', overdue: 'überfällig', done: 'erledigt', dropped: 'entfallen' };

function statusBadge(code) {
  const label = choiceLabel('resolution', 'status', code);
  return h('span', { class: `status status-${code}` },
    h('span', { 'aria-hidden': 'true' }, `${statusSymbol[code] || ''} `), label === code ? (statusFallback[code] || code) : label);
}

/** The resolutions of one section (`decided`, `open`, `overdue`, `settled`) of every committee. */
export function resolutionTable(report, section, attrs = { id: `resolutions-${section}` }) {
  const rows = [];
  for (const c of report.committees)
    for (const r of c[section] || [])
      rows.push([h('a', { href: pageOf('resolution', r.id) }, r.id), c.committee, h('a', { href: pageOf('paper', r.paper) }, r.paper),
        r.task, r.office, day(r.due), statusBadge(r.status), r.last_report ? `${day(r.last_report_at)}: ${r.last_report}` : '–']);
  const captions = { decided: 'Alle Beschlüsse', open: 'Offene Beschlüsse', overdue: 'Überfällige Beschlüsse', settled: 'Erledigte Beschlüsse' };
  return table(`${captions[section]} (${rows.length})`,
    ['Beschluss', 'Gremium', 'Drucksache', 'Auftrag', 'Zuständig', 'Frist', 'Status', 'Letzter Bericht'], rows, attrs);
}

const figureRows = [
  ['opened', 'Fälle eröffnet'], ['active', 'Fälle aktiv'], ['closed', 'Fälle abgeschlossen'], ['aborted', 'Fälle abgebrochen'],
  ['referrals', 'Vermittlungen'], ['follow_ups_overdue', 'Wiedervorlagen überfällig'],
  ['mean_days_to_closure', 'Tage bis Abschluss (Mittel)', 1], ['median_days_to_closure', 'Tage bis Abschluss (Median)', 1],
];

/** One group's figures as a two-column table. */
export function figuresTable(caption, figures) {
  return table(caption, ['Kennzahl', 'Wert'], figureRows.map(([key, label, digits]) => [label, number(figures[key], digits || 0)]), { class: 'figures' });
}

/** A horizontal bar chart of @p bars ([label, value]) with the values written beside the bars. */
function barChart(title, bars, id) {
  const max = Math.max(1, ...bars.map(([, v]) => v || 0));
  const rowHeight = 28, labelWidth = 230, barWidth = 360, height = bars.length * rowHeight + 10;
  return h('figure', { class: 'chart' },
    svg('svg', { viewBox: `0 0 ${labelWidth + barWidth + 60} ${height}`, role: 'img', 'aria-labelledby': `${id}-caption`, id },
      bars.map(([label, value], i) => svg('g', { transform: `translate(0 ${i * rowHeight + 5})` },
        svg('text', { x: labelWidth - 8, y: 17, 'text-anchor': 'end', class: 'chart-label' }, label),
        svg('rect', { x: labelWidth, y: 4, height: 18, width: Math.round(((value || 0) / max) * barWidth), class: 'chart-bar' }),
        svg('text', { x: labelWidth + Math.round(((value || 0) / max) * barWidth) + 6, y: 17, class: 'chart-value' }, number(value || 0))))),
    h('figcaption', { id: `${id}-caption` }, title),
    // The figures as a table for screen readers (the drawing is one image to them).
    table(title, ['', 'Anzahl'], bars.map(([label, value]) => [label, number(value || 0)]), { class: 'visually-hidden' }));
}

function groupTable(caption, groups, label) {
  return table(caption, [label, 'eröffnet', 'aktiv', 'abgeschlossen', 'abgebrochen', 'Vermittlungen', 'Tage bis Abschluss (Median)'],
    groups.map((g) => [g.group || '–', number(g.opened), number(g.active), number(g.closed), number(g.aborted), number(g.referrals),
      number(g.median_days_to_closure, 1)]));
}

/** The KIM figures of a period, with charts and downloads. */
export async function kimReportPage() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const to = params.get('bis') || today();
  const from = params.get('von') || `${to.slice(0, 4)}-01-01`;
  const report = await get('/api/v1/reports/kim' + query({ from, to }));
  const form = h('form', { class: 'period no-print', id: 'period-form' },
    h('div', { class: 'field' }, h('label', { for: 'period-from' }, 'von'), h('input', { id: 'period-from', name: 'von', type: 'date', value: from, required: true })),
    h('div', { class: 'field' }, h('label', { for: 'period-to' }, 'bis'), h('input', { id: 'period-to', name: 'bis', type: 'date', value: to, required: true })),
    h('button', { type: 'submit' }, 'Anzeigen'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/kennzahlen?von=${form.elements.von.value}&bis=${form.elements.bis.value}`;
  });
  const total = report.total;
  const phases = Object.entries(total.active_by_phase || {}).map(([phase, n]) => [stateLabel('case', phase), n]);
  const reasons = Object.entries({ ...(total.closed_by_reason || {}) }).map(([reason, n]) => [choiceLabel('case', 'reason', reason), n]);
  const download = `/api/v1/reports/kim${query({ from, to })}`;
  page(`KIM-Kennzahlen ${day(from)} – ${day(to)}`,
    form,
    h('p', { class: 'downloads no-print' }, 'Herunterladen: ',
      h('a', { href: `${download}&format=csv`, download: `kim-kennzahlen-${from}-${to}.csv`, id: 'download-csv' }, 'CSV für Excel'), ' · ',
      h('a', { href: download, download: `kim-kennzahlen-${from}-${to}.json`, id: 'download-json' }, 'JSON')),
    figuresTable('Alle Fälle', total),
    barChart('Fälle im Zeitraum', [['eröffnet', total.opened], ['aktiv', total.active], ['abgeschlossen', total.closed], ['abgebrochen', total.aborted]], 'chart-cases'),
    phases.length ? barChart('Aktive Fälle nach Phase', phases, 'chart-phases') : null,
    reasons.length ? barChart('Abschlüsse nach Grund', reasons, 'chart-reasons') : null,
    groupTable('Nach Träger', report.by_traeger || [], 'Träger'),
    groupTable('Nach Kommune', report.by_kommune || [], 'Kommune'),
    h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Drucken')));
}

/** The Beschlusskontrolle report by committee, for a period and optionally one committee. */
export async function resolutionReportPage() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const to = params.get('bis') || today();
  const from = params.get('von') || `${Number(to.slice(0, 4)) - 1}-01-01`;
  const committee = params.get('gremium') || '';
  const report = await get('/api/v1/reports/resolutions' + query({ from, to, committee }));
  const form = h('form', { class: 'period no-print', id: 'resolution-form' },
    h('div', { class: 'field' }, h('label', { for: 'bk-from' }, 'von'), h('input', { id: 'bk-from', name: 'von', type: 'date', value: from })),
    h('div', { class: 'field' }, h('label', { for: 'bk-to' }, 'bis'), h('input', { id: 'bk-to', name: 'bis', type: 'date', value: to })),
    h('div', { class: 'field' }, h('label', { for: 'bk-committee' }, 'Gremium'), h('input', { id: 'bk-committee', name: 'gremium', value: committee })),
    h('button', { type: 'submit' }, 'Anzeigen'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ von: form.elements.von.value, bis: form.elements.bis.value });
    if (form.elements.gremium.value.trim()) q.set('gremium', form.elements.gremium.value.trim());
    location.hash = `#/beschlusskontrolle?${q}`;
  });
  const download = `/api/v1/reports/resolutions${query({ from, to, committee })}`;
  page(`Beschlusskontrolle ${day(from)} – ${day(to)}`,
    form,
    h('p', { class: 'downloads no-print' }, 'Herunterladen: ',
      h('a', { href: `${download}&format=csv`, download: `beschlusskontrolle-${from}-${to}.csv`, id: 'bk-download-csv' }, 'CSV für Excel'), ' · ',
      h('a', { href: download, download: `beschlusskontrolle-${from}-${to}.json` }, 'JSON')),
    report.committees.length ? null : message('info', 'Keine Beschlüsse in diesem Zeitraum.'),
    report.committees.map((c) => h('section', { class: 'committee' },
      h('h2', {}, c.committee),
      resolutionTable({ committees: [c] }, 'overdue', { class: 'overdue' }),
      resolutionTable({ committees: [c] }, 'open', {}),
      resolutionTable({ committees: [c] }, 'settled', {}))),
    h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Liste drucken')));
}
