/**
 * The public status page as HTML that needs no JavaScript: landmarks and headings for
 * screen readers, every status in words (colour only repeats it), times in UTC. Every
 * piece of text from people is escaped; update bodies go through the Markdown sanitizer.
 */
import { utcMinute } from '../../domain/model/time.js';
import { STATUS_LABELS } from '../status-update.js';
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from '../../domain/status-page/components.js';
import { escapeHtml as e, renderMarkdown } from './markdown.js';
import type { MergedRedirect, PublicComponent, PublicIncident, StatusPageModel } from '../../domain/status-page/view-model.js';
import { formatDuration } from '../../domain/model/time.js';
import { UPTIME_DAYS, uptimePercent, type UptimeDay } from '../../domain/status-page/uptime.js';
import type { PublicUpdate } from '../../domain/status-page/visibility.js';
import type { MaintenanceWindow } from '../../domain/maintenance/window.js';

export interface PageAssets {
  /** The stylesheet's URL, content-hashed. */
  stylesheet: string;
  /** The e-mail subscription form (src/subscribers), when e-mail goes out; null otherwise. */
  subscribeForm: string | null;
}

export function time(iso: string): string {
  return `<time datetime="${e(iso)}">${e(utcMinute(iso))}</time>`;
}

function status(value: ComponentStatus): string {
  return `<span class="status status-${value}">${COMPONENT_STATUS_LABELS[value]}</span>`;
}

export function layout(model: StatusPageModel, assets: PageAssets, title: string, main: string, head = ''): string {
  const { branding } = model;
  const logo = branding.logoUrl ? `<img src="${e(branding.logoUrl)}" alt="${e(branding.name)}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<link rel="stylesheet" href="${e(assets.stylesheet)}">
<link rel="alternate" type="application/atom+xml" title="${e(model.page.title)}" href="/status/feed.atom">
${head}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="masthead"><div class="wrap">${logo}<p>${e(branding.name)}</p></div></header>
<main id="main" class="wrap">
${main}
</main>
<footer class="wrap">
<p>All times are UTC. <a href="/status/history">Incident history</a> · Follow along: <a href="/status/feed.atom">Atom feed</a> · <a href="/api/v2/summary.json">JSON</a>.</p>
</footer>
</body>
</html>
`;
}

export function updateItem(update: PublicUpdate, headingLevel: number): string {
  const by = update.postedBy ? ` by @${e(update.postedBy)}` : '';
  const body = update.placeholder ? `<p>${e(update.markdown)}</p>` : renderMarkdown(update.markdown);
  return `<li>
<h${headingLevel} class="update-status">${STATUS_LABELS[update.status]}${update.audience === 'internal' ? ' (internal update)' : ''}</h${headingLevel}>
<p class="when">Posted ${time(update.postedAt)}${by}</p>
<div class="body">${body}</div>
</li>`;
}

function nextUpdateLine(incident: PublicIncident): string {
  if (!incident.open) return '';
  return incident.nextUpdateBy
    ? `<p class="next"><strong>Next update by ${time(incident.nextUpdateBy)}</strong> (or sooner if the status changes).</p>`
    : '<p class="next"><strong>Next update</strong> when the status changes or at resolution.</p>';
}

/** The finished postmortem's link, once there is one. */
export function postmortemLink(incident: PublicIncident): string {
  return incident.postmortemUrl ? `<p class="meta"><a href="${e(incident.postmortemUrl)}">Read the postmortem</a></p>` : '';
}

export function affected(incident: PublicIncident): string {
  if (incident.components.length === 0) return '';
  const names = incident.components.map((c) => (incident.open ? `${e(c.name)} (${COMPONENT_STATUS_LABELS[c.status]})` : e(c.name)));
  return `<p class="meta">Affected: ${names.join(', ')}</p>`;
}

function incidentArticle(incident: PublicIncident): string {
  return `<article class="incident" aria-labelledby="${e(incident.id)}-title">
<h3 id="${e(incident.id)}-title"><a href="/status/incidents/${e(incident.id)}">${e(incident.title)}</a></h3>
<p class="meta">${incident.severity ? `${e(incident.severity)} · ` : ''}Status: <strong>${STATUS_LABELS[incident.status]}</strong> · Declared ${time(incident.declaredAt)}</p>
${affected(incident)}
${nextUpdateLine(incident)}
<ol class="updates">
${incident.updates.map((u) => updateItem(u, 4)).join('\n')}
</ol>
</article>`;
}

/** A day in words: the text alternative of its bar, read by screen readers and shown to no one else (no tooltip). */
function dayText(day: UptimeDay, name: string): string {
  if (day.status === 'no_data') return `${day.date}: no data (before ${e(name)} was on this page)`;
  const problems = Object.entries(day.ms).map(([status, ms]) => `${COMPONENT_STATUS_LABELS[status as ComponentStatus].toLowerCase()} for ${formatDuration(ms)}`);
  const uptime = uptimePercent(1 - day.downtimeMs / day.countedMs);
  return `${day.date}: ${problems.length ? problems.join(', ') : 'no incidents'}; ${uptime} uptime`;
}

function uptimeBars(c: PublicComponent): string {
  const bars = c.uptime.days.map((d) => `<li class="day day-${d.status}"><span class="sr">${dayText(d, c.name)}</span></li>`).join('');
  const figure = c.uptime.ratio === null ? 'No uptime yet' : `${uptimePercent(c.uptime.ratio)} uptime`;
  return `<div class="uptime">
<ol class="days" aria-label="${e(c.name)}: the last ${UPTIME_DAYS} days, oldest first">${bars}</ol>
<p class="uptime-scale"><span>${UPTIME_DAYS} days ago</span><span class="uptime-figure">${figure}</span><span>Today</span></p>
</div>`;
}

function componentList(model: StatusPageModel): string {
  if (model.components.length === 0) return '';
  const groups = new Map<string, typeof model.components>();
  for (const c of model.components) groups.set(c.group ?? '', [...(groups.get(c.group ?? '') ?? []), c]);
  const lists = [...groups].map(([group, components]) => {
    const items = components
      .map(
        (c) =>
          `<li><span class="name">${e(c.name)}</span>${status(c.status)}${c.description ? `<p class="desc">${e(c.description)}</p>` : ''}${uptimeBars(c)}</li>`,
      )
      .join('\n');
    // Ungrouped components get a heading too once there are groups, so they do not read as the last group's.
    const heading = group ? e(group) : groups.size > 1 ? 'Other components' : '';
    return `${heading ? `<h3>${heading}</h3>\n` : ''}<ul class="components">\n${items}\n</ul>`;
  });
  return `<section aria-labelledby="components-heading">
<h2 id="components-heading">Components</h2>
${lists.join('\n')}
<p class="uptime-note">Uptime over the last ${UPTIME_DAYS} days (UTC), from what this page said: a major outage counts as downtime, 30% of a partial
outage's time counts as downtime, degraded performance and maintenance do not; time before a component was on this page is not counted.</p>
</section>`;
}

function maintenanceItem(window: MaintenanceWindow, state: 'in progress' | 'scheduled', names: Map<string, string>): string {
  const components = window.components.map((id) => e(names.get(id) ?? id)).join(', ');
  return `<article class="incident" id="maintenance-${e(window.id)}" aria-labelledby="maintenance-${e(window.id)}-title">
<h3 id="maintenance-${e(window.id)}-title">${e(window.title)}</h3>
<p class="meta">Maintenance <strong>${state}</strong>: ${time(window.startsAt)} to ${time(window.endsAt)}</p>
${components ? `<p class="meta">Components: ${components}</p>` : ''}
<div class="body">${renderMarkdown(window.message)}</div>
</article>`;
}

function maintenanceSection(model: StatusPageModel): string {
  const { active, upcoming } = model.maintenance;
  if (active.length === 0 && upcoming.length === 0) return '';
  const names = new Map(model.components.map((c) => [c.id, c.name]));
  return `<section aria-labelledby="maintenance-heading">
<h2 id="maintenance-heading">Scheduled maintenance</h2>
${[...active.map((w) => maintenanceItem(w, 'in progress', names)), ...upcoming.map((w) => maintenanceItem(w, 'scheduled', names))].join('\n')}
</section>`;
}

function recentSection(model: StatusPageModel, days: number): string {
  const items = model.recentIncidents
    .map(
      (i) =>
        `<li><a href="/status/incidents/${e(i.id)}">${e(i.title)}</a> <span class="when">— resolved ${time(i.resolvedAt ?? i.updatedAt)}</span></li>`,
    )
    .join('\n');
  return `<section aria-labelledby="recent-heading">
<h2 id="recent-heading">Past incidents (last ${days} days)</h2>
${items ? `<ul class="incidents">\n${items}\n</ul>` : `<p>No incidents in the last ${days} days.</p>`}
</section>`;
}

export function renderStatusHtml(model: StatusPageModel, assets: PageAssets, recentDays: number): string {
  const open = model.openIncidents;
  const main = `<h1>${e(model.page.title)}</h1>
<section class="overall indicator-${model.status.indicator}" aria-labelledby="overall-heading">
<h2 id="overall-heading">${e(model.status.description)}</h2>
<p>${open.length === 0 ? 'No open incidents.' : `${open.length} open incident${open.length === 1 ? '' : 's'}.`} Last change ${time(model.page.updatedAt)}.</p>
</section>
${
  open.length
    ? `<section aria-labelledby="open-heading">
<h2 id="open-heading">Open incidents</h2>
${open.map(incidentArticle).join('\n')}
</section>`
    : ''
}
${componentList(model)}
${maintenanceSection(model)}
${recentSection(model, recentDays)}
${
  assets.subscribeForm
    ? `<section aria-labelledby="subscribe-heading">
<h2 id="subscribe-heading">Subscribe to updates</h2>
${assets.subscribeForm}
</section>`
    : ''
}`;
  return layout(model, assets, model.page.title, main);
}

export function renderIncidentHtml(model: StatusPageModel, incident: PublicIncident, assets: PageAssets): string {
  const main = `<p><a href="/status">← ${e(model.page.title)}</a></p>
<h1>${e(incident.title)}</h1>
<p class="meta">Status: <strong>${STATUS_LABELS[incident.status]}</strong> · Declared ${time(incident.declaredAt)}${
    incident.resolvedAt ? ` · Resolved ${time(incident.resolvedAt)}` : ''
  }</p>
${affected(incident)}
${postmortemLink(incident)}
${nextUpdateLine(incident)}
<section aria-labelledby="history-heading">
<h2 id="history-heading">Updates, newest first</h2>
<ol class="updates">
${incident.updates.map((u) => updateItem(u, 3)).join('\n')}
</ol>
</section>`;
  return layout(model, assets, `${incident.title} · ${model.page.title}`, main);
}

/**
 * The page of an incident merged into another: it leads there (a refresh, so the static copy
 * redirects as well as the live page), with a link for whoever does not follow refreshes.
 */
export function renderMergedIncidentHtml(model: StatusPageModel, redirect: MergedRedirect, assets: PageAssets): string {
  const to = redirect.to === null ? '/status' : `/status/incidents/${redirect.to}`;
  const main = `<h1>Followed elsewhere</h1>
<p>This incident was merged into another, where it is followed: <a href="${e(to)}">${e(redirect.toTitle ?? model.page.title)}</a>.</p>`;
  return layout(model, assets, `Merged · ${model.page.title}`, main, `<meta http-equiv="refresh" content="0; url=${e(to)}">\n`);
}
