/** `GET /status/feed.atom`: one entry per public update (and per "We are investigating" placeholder), newest first. */
import { renderMarkdown } from './markdown.js';
import { STATUS_LABELS } from '../status-update.js';
import type { StatusPageModel } from '../../domain/status-page/view-model.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for XML: escaped, and without the control characters XML 1.0 cannot carry at all. */
function x(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

const MAX_ENTRIES = 100;

export function renderAtomFeed(model: StatusPageModel): string {
  const base = model.page.url;
  const entries = model.history
    .flatMap((incident) => incident.updates.map((update) => ({ incident, update })))
    .sort((a, b) => (a.update.postedAt < b.update.postedAt ? 1 : a.update.postedAt > b.update.postedAt ? -1 : 0))
    .slice(0, MAX_ENTRIES);
  const updated = entries[0]?.update.postedAt ?? model.page.updatedAt;
  const body = entries
    .map(({ incident, update }) => {
      const link = `${base}/status/incidents/${incident.id}`;
      const id = `${link}#${update.placeholder ? 'declared' : `update-${update.id}`}`;
      const next = update.nextUpdateBy && incident.open ? `<p>Next update by ${update.nextUpdateBy.slice(0, 16).replace('T', ' ')} UTC.</p>` : '';
      return `<entry>
<id>${x(id)}</id>
<title>${x(`[${STATUS_LABELS[update.status]}] ${incident.title}`)}</title>
<updated>${x(update.postedAt)}</updated>
<link rel="alternate" type="text/html" href="${x(link)}"/>
<content type="html">${x(renderMarkdown(update.markdown) + next)}</content>
</entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${x(`${base}/status`)}</id>
<title>${x(model.page.title)}</title>
<updated>${x(updated)}</updated>
<author><name>${x(model.page.name)}</name></author>
<link rel="self" type="application/atom+xml" href="${x(`${base}/status/feed.atom`)}"/>
<link rel="alternate" type="text/html" href="${x(`${base}/status`)}"/>
${body}
</feed>
`;
}
