/** Human output: short, the same shape every time, times in UTC like the templates. */
import { formatDuration, utcMinute } from '../domain/model/time.js';
import { STATUS_LABELS } from '../presenters/status-update.js';
import { ROLE_LABELS } from '../domain/roles/rules.js';
import type { Entry, Incident, Person, Warning } from './client.js';

export const roleLabel = (role: string) => (ROLE_LABELS as Record<string, string>)[role] ?? role;
export const statusLabel = (status: string) => (STATUS_LABELS as Record<string, string>)[status] ?? status;
export const at = (handle: string | null | undefined) => (handle ? `@${handle}` : '(unassigned)');

export const utc = utcMinute;

export function hhmm(iso: string): string {
  return iso.slice(11, 16);
}

/** `42m`, `3h 5m`, `2d 4h`: two units at most. */
export function span(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  return formatDuration(minutes * 60_000).split(' ').slice(0, 2).join(' ');
}

/** `in 28m` or `12m ago`. */
export function relative(iso: string, now: Date): string {
  const diff = Date.parse(iso) - now.getTime();
  return diff >= 0 ? `in ${span(diff)}` : `${span(-diff)} ago`;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function badges(incident: Incident): string[] {
  const out: string[] = [];
  if (incident.drill) out.push('DRILL');
  if (incident.overdue) out.push('OVERDUE');
  else if (incident.updateDue) out.push('DUE SOON');
  if (incident.roleGaps.length) out.push('ROLE GAP');
  if (incident.pendingHandoff) out.push(`IC OFFERED to @${incident.pendingHandoff.to}`);
  if (incident.state !== 'open' && incident.postmortem.state === 'owed') out.push('postmortem owed');
  if (incident.private) out.push('private');
  return out;
}

/** The compact list: id, severity, status, age (impact start to now or resolution), IC, badges, title. */
export function incidentTable(incidents: Incident[], now: Date): string {
  if (!incidents.length) return 'No incidents.\n';
  const rows = incidents.map((i) => [
    i.id,
    i.severity,
    i.state === 'open' ? statusLabel(i.status) : i.state === 'resolved' ? 'Resolved' : 'Closed',
    // Age runs from when impact began, and stops at resolution.
    span((i.resolvedAt ? Date.parse(i.resolvedAt) : now.getTime()) - Date.parse(i.startedAt)),
    at(i.roles.incident_commander),
    badges(i)
      .map((b) => `[${b}]`)
      .join(' '),
    i.title,
  ]);
  return table(['ID', 'SEV', 'STATUS', 'AGE', 'IC', 'FLAGS', 'TITLE'], rows);
}

function postmortemLine(incident: Incident): string {
  const pm = incident.postmortem;
  if (pm.state === 'assigned') return `owned by ${at(pm.owner)}, scheduled for ${pm.scheduledFor ? utc(pm.scheduledFor) : '(no date)'}`;
  if (pm.state === 'owed')
    return incident.state === 'open'
      ? 'required once resolved'
      : `OWED: give it an owner and a date: incident postmortem ${incident.id} --owner <handle> --date <when>`;
  return 'not required';
}

function indent(text: string, by = '  '): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** `incident show`: everything the IC needs to steer, on one screen. */
/** Who is on what, as the IC reads it: blocked and open tasks one a line (the server's order), those done counted. */
function taskGlance(i: Incident): string[] {
  const tasks = i.tasks;
  const live = tasks.filter((t) => t.state !== 'done');
  const done = tasks.length - live.length;
  return [
    ...live.map((t) => `  ${t.state === 'blocked' ? '! BLOCKED' : '- open   '} ${t.id} @${t.owner}: ${t.title}${t.state === 'blocked' && t.reason ? ` (${t.reason})` : ''}`),
    ...(done ? [`  ${done} done (all: incident task list ${i.id})`] : []),
  ];
}

export function incidentSummary(i: Incident, now: Date): string {
  const lines: string[] = [];
  const flags = badges(i);
  lines.push(`${i.id}  [${i.severity}] ${i.title}${flags.length ? '  ' + flags.map((b) => `[${b}]`).join(' ') : ''}`);
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(12)} ${value}`);
  field('Status', i.state === 'open' ? `${statusLabel(i.status)} (open)` : `Resolved at ${i.resolvedAt ? utc(i.resolvedAt) : '?'} (${i.state})`);
  field('Declared', `${utc(i.declaredAt)} by ${at(i.declaredBy)} (${relative(i.declaredAt, now)})`);
  field('Started', utc(i.startedAt));
  field('Channel', `#${i.channel}`);
  if (i.drill) field('Drill', `${i.drill.id}, practice: ${i.drill.notify ? 'notifies like a real incident' : 'kept off the status page, chat, e-mail and webhooks'} (incident drill show ${i.drill.id})`);
  if (i.summary) field('Summary', i.summary);
  if (i.components.length) field('Components', i.components.join(', '));
  if (i.links.statusPage) field('Status page', i.links.statusPage);
  if (i.links.dashboard) field('Dashboard', i.links.dashboard);
  if (i.links.runbook) field('Runbook', i.links.runbook);

  lines.push('', 'ROLES');
  lines.push(`  Incident Commander: ${at(i.roles.incident_commander)}`);
  lines.push(`  Comms Lead:         ${at(i.roles.comms_lead)}`);
  lines.push(`  Scribe:             ${at(i.roles.scribe)}`);
  lines.push(`  SMEs:               ${i.smes.length ? i.smes.map((s) => `@${s.person} (${s.specialty})`).join(', ') : '(none yet)'}`);

  if (i.pendingHandoff) {
    const h = i.pendingHandoff;
    lines.push('', `PENDING HANDOFF ${h.id}: @${h.from} offered Incident Commander to @${h.to} at ${hhmm(h.offeredAt)} UTC; @${h.from} keeps it until @${h.to} says yes.`);
    lines.push(`  @${h.to} accepts with:  incident accept ${i.id} ${h.id}`);
    lines.push(`  or declines with:  incident decline ${i.id} ${h.id}`);
  }
  if (i.tasks.length) lines.push('', 'TASKS', ...taskGlance(i));
  if (i.roleGaps.length) lines.push('', 'ROLE GAPS', ...i.roleGaps.map((g) => `  ! ${g.message}`));
  if (i.warnings.length) lines.push('', 'WARNINGS', ...i.warnings.map((w) => `  ! ${w.message}`));

  lines.push('');
  if (i.lastUpdate) {
    const u = i.lastUpdate;
    lines.push(`LAST UPDATE (${u.audience}, posted ${utc(u.postedAt)} by @${u.postedBy})`, indent(u.markdown));
  } else {
    lines.push('LAST UPDATE: none yet. Post one: incident update ' + i.id + ' --status investigating --impact ... --what-we-know ... --next-step ...');
  }
  if (i.state === 'open') {
    if (i.overdue && i.nextUpdateBy)
      field('Next update by', `${utc(i.nextUpdateBy)}: OVERDUE, due ${relative(i.nextUpdateBy, now)}. Silence reads as abandonment: post an update.`);
    else if (i.nextUpdateBy && i.updateDue) field('Next update by', `${utc(i.nextUpdateBy)}: DUE SOON (${relative(i.nextUpdateBy, now)}).`);
    else if (i.nextUpdateBy) field('Next update by', `${utc(i.nextUpdateBy)} (${relative(i.nextUpdateBy, now)})`);
    else field('Next update by', `at resolution (${i.severity} has no update cadence)`);
  }
  field('Postmortem', postmortemLine(i));
  return lines.join('\n') + '\n';
}

/** `Roles: IC @alex · Comms @priya · Scribe @sam · SMEs @dana (payments)` */
export function rolesLine(i: Incident): string {
  const smes = i.smes.length ? ` · SMEs ${i.smes.map((s) => `@${s.person} (${s.specialty})`).join(', ')}` : '';
  return `Roles: IC ${at(i.roles.incident_commander)} · Comms ${at(i.roles.comms_lead)} · Scribe ${at(i.roles.scribe)}${smes}\n`;
}

/** One line per entry: UTC time, #id, kind, actor, text. */
export function timelineLines(entries: Entry[]): string {
  if (!entries.length) return 'No timeline entries.\n';
  const kindWidth = Math.max(...entries.map((e) => e.kind.length));
  const idWidth = Math.max(...entries.map((e) => String(e.id).length)) + 1;
  const actorWidth = Math.max(...entries.map((e) => e.actor.length)) + 1;
  return (
    entries
      .map((e) => {
        const notes: string[] = [];
        if (e.corrects !== null) notes.push(`corrects #${e.corrects}`);
        if (e.correctedBy !== null) notes.push(`corrected by #${e.correctedBy}`);
        if (e.to !== null) notes.push(`to @${e.to}`);
        if (Math.abs(Date.parse(e.recordedAt) - Date.parse(e.at)) >= 60_000) notes.push(`recorded ${utc(e.recordedAt)}`);
        const suffix = notes.length ? `  (${notes.join('; ')})` : '';
        return `${utc(e.at, true)}  ${`#${e.id}`.padEnd(idWidth)}  ${e.kind.padEnd(kindWidth)}  ${`@${e.actor}`.padEnd(actorWidth)}  ${e.text}${suffix}`;
      })
      .join('\n') + '\n'
  );
}

export function peopleTable(people: Person[]): string {
  if (!people.length) return 'Nobody yet.\n';
  return table(
    ['HANDLE', 'NAME', 'ROLE', 'EMAIL', 'STATUS'],
    people.map((p) => [`@${p.handle}`, p.name, p.role, p.email ?? '', p.active ? 'active' : `deactivated ${p.deactivatedAt!.slice(0, 10)}`]),
  );
}

/** Warnings and role gaps, for stderr: prominent, but not a failure. */
export function warningBlock(warnings: Warning[], roleGaps: Warning[] = []): string {
  const lines = [...roleGaps.map((g) => `⚠  ROLE GAP: ${g.message}`), ...warnings.map((w) => `⚠  WARNING: ${w.message}`)];
  return lines.length ? lines.join('\n') + '\n' : '';
}
