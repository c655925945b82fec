/**
 * "The Comms Lead owns everything that leaves the room": public updates held for their approval
 * (`updates.publicBy: comms-lead-approves`), each with who drafted it, when, and the Markdown it
 * would post. Whoever decides approves (it is posted) or rejects it with a reason; everyone else
 * sees who decides. The buttons follow the server's rule, which stays the judge.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { renderUpdateMarkdown } from '../../../src/presenters/status-update.js';
import { defaultNextUpdateBy } from '../../../src/domain/updates/deadlines.js';
import { draftApprover } from '../../../src/domain/updates/outbound.js';
import { useConsole } from '../console-context.js';
import type { Draft, Incident, Severity, Update, UpdateStatus } from '../types.js';
import { Field, FormError, LoadError, Markdown, useAction } from '../ui.js';
import { localTime, useNow, utcTime } from '../time.js';

/** The one who approves or rejects held updates (draftApprover), named with the role that makes it theirs. */
export function draftDecider(incident: Incident): string {
  return incident.roles.comms_lead ? `@${incident.roles.comms_lead} (Comms Lead)` : `@${incident.roles.incident_commander} (Incident Commander: no Comms Lead is named now)`;
}

/** The "next update by" the server sets for an update posted at `postedAt` that names none (null: at resolution), from the severity as the API shows it. */
export function defaultPromise(severity: Severity | undefined, status: UpdateStatus, postedAt: string): string | null {
  const level = severity && {
    updateEveryMs: severity.updateEveryMinutes === null ? null : severity.updateEveryMinutes * 60_000,
    finalUpdateWithinMs: severity.finalUpdateWithinMinutes * 60_000,
  };
  return defaultNextUpdateBy(level, status, postedAt);
}

/**
 * The update approving it now would post: a "next update by" its author gave stands while still
 * ahead, otherwise the severity's default counts from now, as approval does (decideApproveDraft).
 */
function wouldPost(incident: Incident, severity: Severity | undefined, draft: Draft, now: number): string {
  const postedAt = new Date(Math.floor(now / 1000) * 1000).toISOString();
  const kept = draft.nextUpdateBy !== null && Date.parse(draft.nextUpdateBy) > now;
  return renderUpdateMarkdown(incident.title, {
    status: draft.status,
    impact: draft.impact,
    whatWeKnow: draft.whatWeKnow,
    nextStep: draft.nextStep,
    nextUpdateBy: kept ? draft.nextUpdateBy : defaultPromise(severity, draft.status, postedAt),
    postedAt,
    severity: incident.severity,
  });
}

function HeldDraft(props: { incident: Incident; severity: Severity | undefined; draft: Draft; mayDecide: boolean; now: number; onDecided: (note: string, warnings: Update['warnings']) => void }) {
  const { incident, draft, mayDecide, onDecided } = props;
  const { api } = useConsole();
  const action = useAction();
  const [reason, setReason] = useState('');
  const titleId = useId();
  const path = `/incidents/${incident.id}/drafts/${encodeURIComponent(draft.id)}`;
  const approve = () =>
    action.run(async () => {
      const update = await api.write<Update>('POST', `${path}/approve`);
      onDecided(`Draft ${draft.id} approved: posted as update ${update.id}.`, update.warnings);
    });
  const reject = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      await api.write('POST', `${path}/reject`, { reason });
      onDecided(`Draft ${draft.id} rejected; @${draft.draftedBy} sees why on the timeline.`, []);
    });
  };
  return (
    <li className="held-draft" aria-labelledby={titleId}>
      <h3 id={titleId}>Draft {draft.id}</h3>
      <p className="muted">
        By @{draft.draftedBy}, <time dateTime={draft.draftedAt}>{utcTime(draft.draftedAt)}</time> ({localTime(draft.draftedAt)})
      </p>
      <Markdown source={wouldPost(incident, props.severity, draft, props.now)} label={`Draft ${draft.id} as it would post`} />
      {mayDecide ? (
        <div className="row wrap">
          <button type="button" className="primary" disabled={action.busy} onClick={() => void approve()}>
            Approve and post {draft.id}
          </button>
          <form className="inline-form" onSubmit={(e) => void reject(e)}>
            <Field label={`Reason to reject ${draft.id}`} field="reason" action={action} hint="Required: what to change. Its author sees it on the timeline.">
              {(id, d) => <input id={id} aria-describedby={d} value={reason} onChange={(e) => setReason(e.target.value)} autoComplete="off" />}
            </Field>
            <button type="submit" disabled={action.busy || !reason.trim()}>
              Reject {draft.id}
            </button>
          </form>
        </div>
      ) : null}
      <FormError action={action} fields={['reason']} />
    </li>
  );
}

/**
 * Shown to responders while the incident is open, when something is held or a decision was just
 * taken here. `revision` changes whenever the room reloads: a draft held or decided elsewhere
 * shows without a refresh.
 */
export function DraftsPanel({ incident, severity, revision, onChanged }: { incident: Incident; severity: Severity | undefined; revision: number; onChanged: () => void }) {
  const { api, me, permissions } = useConsole();
  const now = useNow(1000);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [decided, setDecided] = useState<{ note: string; warnings: Update['warnings'] } | null>(null);
  const [decisions, setDecisions] = useState(0);
  const note = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    // A slower answer to an earlier read must not overwrite a later one.
    let current = true;
    api.get<Draft[]>(`/incidents/${incident.id}/drafts`).then(
      (answer) => {
        if (!current) return;
        setDrafts(answer);
        setError(null);
      },
      (e: unknown) => {
        if (current) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      current = false;
    };
  }, [api, incident.id, revision, decisions]);
  // The buttons pressed went with their draft: the focus goes to what became of it.
  useEffect(() => note.current?.focus(), [decided]);

  if (drafts.length === 0 && decided === null && error === null) return null;
  const decider = draftApprover(incident.roles);
  const mayDecide = permissions.respond && (me.handle === decider || permissions.admin);
  const decide = (text: string, warnings: Update['warnings']) => {
    setDecided({ note: text, warnings });
    setDecisions((n) => n + 1);
    onChanged();
  };
  return (
    <section className="panel drafts" aria-labelledby="drafts-title">
      <h2 id="drafts-title">Held for approval</h2>
      <p className="hint">
        Public updates that have not gone out yet: {draftDecider(incident)} approves or rejects each. Each shows what approving it now would post.
        {me.handle === decider ? ' That is you: approve to post it as your update, or reject it saying why.' : mayDecide ? ' As an admin you may decide too.' : ''}
      </p>
      <LoadError error={error} />
      {decided ? (
        <div role="status">
          <p tabIndex={-1} ref={note}>
            {decided.note}
          </p>
          {decided.warnings.map((w) => (
            <div key={w.code} className="warning">
              {w.message}
            </div>
          ))}
        </div>
      ) : null}
      {drafts.length ? (
        <ul className="held-drafts" aria-label="Drafts held for approval, oldest first">
          {drafts.map((draft) => (
            <HeldDraft key={draft.id} incident={incident} severity={severity} draft={draft} mayDecide={mayDecide} now={now} onDecided={decide} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
