/** `/status/history`: the public incidents month by month, each with its updates and its postmortem's link. No JavaScript. */
import { STATUS_LABELS } from '../status-update.js';
import { escapeHtml as e } from './markdown.js';
import { affected, layout, postmortemLink, time, updateItem, type PageAssets } from './html.js';
import type { PublicIncident, StatusPageModel } from '../../domain/status-page/view-model.js';
import { historyPath, type HistoryMonth, type HistoryPage } from '../../domain/status-page/history.js';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthName(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

function incidentEntry(incident: PublicIncident): string {
  return `<article class="incident" aria-labelledby="h-${e(incident.id)}">
<h3 id="h-${e(incident.id)}"><a href="/status/incidents/${e(incident.id)}">${e(incident.title)}</a></h3>
<p class="meta">${STATUS_LABELS[incident.status]} · Declared ${time(incident.declaredAt)}${incident.resolvedAt ? ` · Resolved ${time(incident.resolvedAt)}` : ''}</p>
${affected(incident)}
${postmortemLink(incident)}
<ol class="updates">
${incident.updates.map((u) => updateItem(u, 4)).join('\n')}
</ol>
</article>`;
}

function monthSection(month: HistoryMonth): string {
  return `<section aria-labelledby="m-${month.month}">
<h2 id="m-${month.month}">${monthName(month.month)}</h2>
${month.incidents.length ? month.incidents.map(incidentEntry).join('\n') : '<p>No incidents reported this month.</p>'}
</section>`;
}

function pager(page: HistoryPage): string {
  const newer = page.number > 1 ? `<a href="${historyPath(page.number - 1)}" rel="prev">Newer incidents</a>` : '';
  const older = page.number < page.of ? `<a href="${historyPath(page.number + 1)}" rel="next">Older incidents</a>` : '';
  return `<nav class="pager" aria-label="History pages">${newer}<span>Page ${page.number} of ${page.of}</span>${older}</nav>`;
}

export function renderHistoryHtml(model: StatusPageModel, page: HistoryPage, assets: PageAssets): string {
  const first = page.months[0]!.month;
  const last = page.months.at(-1)!.month;
  const span = first === last ? monthName(first) : `${monthName(last)} to ${monthName(first)}`;
  const main = `<p><a href="/status">← ${e(model.page.title)}</a></p>
<h1>Incident history</h1>
<p>${span}, newest first.</p>
${page.months.map(monthSection).join('\n')}
${pager(page)}`;
  return layout(model, assets, `Incident history${page.number > 1 ? `, page ${page.number}` : ''} · ${model.page.title}`, main);
}
