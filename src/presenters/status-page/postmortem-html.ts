/** Issue 16: a postmortem published here and linked from the incident's public page. No JavaScript. */
import type { PublicIncident, StatusPageModel } from '../../domain/status-page/view-model.js';
import { escapeHtml as e, renderDocument } from './markdown.js';
import { layout, time, type PageAssets } from './html.js';

export function renderPostmortemHtml(model: StatusPageModel, incident: PublicIncident, markdown: string, assets: PageAssets): string {
  const main = `<p><a href="/status/incidents/${e(incident.id)}">← ${e(incident.title)}</a></p>
<h1>Postmortem: ${e(incident.title)}</h1>
<p class="meta">Declared ${time(incident.declaredAt)}${incident.resolvedAt ? ` · Resolved ${time(incident.resolvedAt)}` : ''}</p>
<article class="postmortem">
${renderDocument(markdown)}
</article>`;
  return layout(model, assets, `Postmortem: ${incident.title} · ${model.page.title}`, main);
}
