/** A drill's scorecard: how the trainee ran the playbook (src/domain/drills/scorecard.ts), one row per thing it asks. */
import { formatDuration, utcTime } from '../time.js';
import type { DrillScorecard } from '../types.js';

const ROLE_LABELS: Record<string, string> = { incident_commander: 'Incident Commander', comms_lead: 'Comms Lead', scribe: 'Scribe' };
/** A person's handle as @handle; a scripted voice (`drill:lee`) as it is. */
const who = (by: string) => (by.includes(':') ? by : `@${by}`);
const seconds = (s: number | null) => (s === null ? '–' : formatDuration(s * 1000));

function updatesText(card: DrillScorecard): string {
  const judged = card.updates.onTime + card.updates.late;
  if (judged === 0) return 'No update promise fell due.';
  const worst = Math.max(0, ...card.updates.promises.map((p) => p.lateSeconds));
  return `${card.updates.onTime} of ${judged} on time${card.updates.late ? `; the worst ${seconds(worst)} late` : ''}.`;
}

export function Scorecard({ card, final, titleId }: { card: DrillScorecard; final: boolean; titleId: string }) {
  return (
    <section className="panel scorecard" aria-labelledby={titleId}>
      <h2 id={titleId}>{final ? 'Scorecard' : 'Scorecard so far'}</h2>
      <dl className="scorecard">
        <dt>Time to declare</dt>
        <dd>{card.declared ? `${seconds(card.timeToDeclareSeconds)} from the first alert` : 'Never declared.'}</dd>
        <dt>Roles named</dt>
        <dd>
          <ul>
            {card.roles.map((r) => (
              <li key={r.role}>
                {ROLE_LABELS[r.role] ?? r.role}:{' '}
                {r.person === null ? <strong>not named</strong> : `@${r.person}${r.afterDeclareSeconds ? `, ${seconds(r.afterDeclareSeconds)} after declaring` : ''}`}
              </li>
            ))}
          </ul>
        </dd>
        <dt>IC kept hands off</dt>
        <dd>
          {card.handsOff.kept ? 'Yes.' : <strong>No.</strong>}
          {card.handsOff.lapses.length ? (
            <ul>
              {card.handsOff.lapses.map((l) => (
                <li key={`${l.at}-${l.via}`}>
                  {utcTime(l.at)}: @{l.commander} {l.via === 'sme' ? 'was added as an SME' : 'posted an action entry'}
                </li>
              ))}
            </ul>
          ) : null}
        </dd>
        <dt>Updates on time</dt>
        <dd>{updatesText(card)}</dd>
        <dt>Ruled out</dt>
        <dd>
          {card.ruledOut.expected.length ? (
            <p>
              Found {card.ruledOut.found.length} of {card.ruledOut.expected.length}: {card.ruledOut.found.join(', ') || 'none'}.
              {card.ruledOut.missed.length ? <strong> Missed: {card.ruledOut.missed.join(', ')}.</strong> : null}
            </p>
          ) : null}
          {card.ruledOut.entries.length ? (
            <ul>
              {card.ruledOut.entries.map((e) => (
                <li key={`${e.at}-${e.by}-${e.text}`}>
                  {utcTime(e.at)} {who(e.by)}: {e.text}
                </li>
              ))}
            </ul>
          ) : (
            <p>Nothing was ruled out on the timeline.</p>
          )}
        </dd>
        <dt>Resolved</dt>
        <dd>{card.resolved ? 'Yes.' : 'No.'}</dd>
      </dl>
    </section>
  );
}
