/**
 * R7: the Comms Lead's status update, the five fields in the template's order, with the
 * Markdown it will post shown as it is typed (the server's own template, rendered here).
 */
import { useId, useState, type FormEvent } from 'react';
import { renderUpdateMarkdown, STATUS_LABELS } from '../../../src/presenters/status-update.js';
import { useConsole } from '../console-context.js';
import type { Audience, Draft, Incident, Severity, Update, UpdateStatus } from '../types.js';
import { CopyButton, Field, FormError, Markdown, TextAreaField, useAction } from '../ui.js';
import { formatDuration, fromUtcInput, toUtcInput, useNow } from '../time.js';
import { PublicPreview } from '../status-page/PublicPreview.js';
import { CommandNotice, Discarded, useKept } from './commander.js';
import { defaultPromise, draftDecider } from './Drafts.js';

const OPEN_STATUSES = ['investigating', 'identified', 'monitoring'] as const satisfies readonly UpdateStatus[];
const FIELDS = ['status', 'impact', 'whatWeKnow', 'nextStep', 'nextUpdateBy', 'audience'] as const;

/** What posting answers: the update (201), or, under `updates.publicBy: comms-lead-approves`, the draft held for the Comms Lead (202), the one with `draftedBy`. */
type Answer = Update | Draft;

/** Says that a held update did not go out, and who decides on it: the Comms Lead, or the IC once none is named (as the server rules). */
function heldLine(draft: Draft, incident: Incident): string {
  const decider = draft.commsLead ? `@${draft.commsLead} (Comms Lead)` : draftDecider(incident);
  return `Held as draft ${draft.id} for ${decider} to approve: the public has not heard it yet.`;
}

/** Who hears an update by default: the severity's audience, never the public for a private incident (as the server decides). */
export function defaultAudience(incident: Pick<Incident, 'private'>, severity: Severity | undefined): Audience {
  return !incident.private && severity?.audience === 'public' ? 'public' : 'internal';
}

/** What leaving "next update by" empty promises, as the server rules (defaultNextUpdateBy). */
function nextUpdateHint(incident: Incident, severity: Severity | undefined, status: UpdateStatus): string {
  if (severity?.updateEveryMinutes) return `${incident.severity} cadence: every ${severity.updateEvery}.`;
  if (severity && status === 'monitoring')
    return `No cadence for this severity: a monitoring update promises the final one within ${formatDuration(severity.finalUpdateWithinMinutes * 60_000)}.`;
  return 'No cadence for this severity: leave empty for "at resolution".';
}

/**
 * Why the update cannot be posted now, or null while it can: the incident was closed while it
 * was being written. Nothing else bars it here: whoever responds may post, and the server rules
 * on a public update from someone other than the Comms Lead. Nor while their own post is on its
 * way: one that lands before the incident closes clears the draft, which would then read as
 * discarded; one that lands after is refused, and the refusal is shown.
 */
function postingBarred(incident: Incident, posting: boolean): string | null {
  if (posting || incident.state === 'open') return null;
  return incident.mergedInto
    ? `${incident.id} was merged into ${incident.mergedInto} meanwhile: it is followed there, and this update can no longer be posted here.`
    : `${incident.id} was resolved meanwhile and its final update went out: this update can no longer be posted unless ${incident.id} is reopened.`;
}

/**
 * Shown to whoever responds while the incident is open; kept, with Post disabled, for a draft
 * being written when someone else resolves or merges the incident, and usable again with it if
 * the incident is reopened.
 */
export function UpdateComposer(props: { incident: Incident; severity: Severity | undefined; onPosted?: (update: Update) => void; onHeld?: (draft: Draft) => void }) {
  const { incident, severity, onPosted, onHeld } = props;
  const { api } = useConsole();
  const now = useNow(1000);
  const action = useAction();
  // Until chosen, the status is the incident's as it last stood open: a draft kept through a
  // resolve keeps the one it showed, and after a reopen it is the one reopening restored. The
  // first value for a resolved incident is never seen: the composer shows nothing until reopened.
  const [openStatus, setOpenStatus] = useState<UpdateStatus>(incident.status === 'resolved' ? 'monitoring' : incident.status);
  if (incident.status !== 'resolved' && incident.status !== openStatus) setOpenStatus(incident.status);
  const [chosenStatus, setStatus] = useState<UpdateStatus | null>(null);
  const status = chosenStatus ?? openStatus;
  const [impact, setImpact] = useState('');
  const [whatWeKnow, setWhatWeKnow] = useState('');
  const [nextStep, setNextStep] = useState('');
  // Until edited, "next update by" shows the promise the server makes when none is sent, and none
  // is sent; emptied, none is sent either, so the preview keeps showing the server's promise.
  const [nextUpdateBy, setNextUpdateBy] = useState<string | null>(null);
  // Until chosen, the audience follows the policy (which may arrive after the composer is shown).
  const [chosenAudience, setAudience] = useState<Audience | null>(null);
  const audience = chosenAudience ?? defaultAudience(incident, severity);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const barred = postingBarred(incident, action.busy);
  const mayPost = barred === null;
  const noticeId = useId();
  const typed = [impact, whatWeKnow, nextStep].some((t) => t.trim() !== '');
  const kept = useKept(mayPost, typed);
  // Before the preview is built: on a closed incident with nothing typed it is never shown, and the clock re-renders every second.
  if (!mayPost && !typed) return kept ? <Discarded what="Update draft" /> : null;

  const postedAt = new Date(Math.floor(now / 1000) * 1000).toISOString();
  const serverNext = defaultPromise(severity, status, postedAt);
  const shownNext = nextUpdateBy ?? (serverNext ? toUtcInput(serverNext) : '');
  const chosen = nextUpdateBy === null ? undefined : fromUtcInput(nextUpdateBy);
  const preview = renderUpdateMarkdown(incident.title, {
    status,
    impact: impact || '…',
    whatWeKnow: whatWeKnow || '…',
    nextStep: nextStep || '…',
    nextUpdateBy: chosen ?? serverNext,
    postedAt,
    severity: incident.severity,
  });

  const fields = { status, impact, whatWeKnow, nextStep, ...(chosen ? { nextUpdateBy: chosen } : {}) };

  const clear = () => {
    setImpact('');
    setWhatWeKnow('');
    setNextStep('');
    setNextUpdateBy(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const answered = await api.write<Answer>('POST', `/incidents/${incident.id}/updates`, { ...fields, audience });
      setAnswer(answered);
      clear();
      if ('draftedBy' in answered) onHeld?.(answered);
      else onPosted?.(answered);
    });
  };

  return (
    <section className="panel composer" aria-labelledby="composer-title">
      <h2 id="composer-title">Post a status update</h2>
      <p className="hint">Same fields, same order, every time. Always promise the next update: silence reads as abandonment.</p>
      <form onSubmit={(e) => void submit(e)} className="composer-grid">
        <div className="composer-fields">
          <Field label="Status" field="status" action={action}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={status} onChange={(e) => setStatus(e.target.value as UpdateStatus)}>
                {OPEN_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextAreaField label="Impact" field="impact" action={action} value={impact} onChange={setImpact} hint="Who is affected and how, in words a customer understands." />
          <TextAreaField label="What we know" field="whatWeKnow" action={action} value={whatWeKnow} onChange={setWhatWeKnow} rows={3} />
          <TextAreaField label="Next step" field="nextStep" action={action} value={nextStep} onChange={setNextStep} />
          <Field label="Next update by (UTC)" field="nextUpdateBy" action={action} hint={nextUpdateHint(incident, severity, status)}>
            {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={1} value={shownNext} onChange={(e) => setNextUpdateBy(e.target.value)} />}
          </Field>
          <fieldset className="field">
            <legend>Audience</legend>
            {(['public', 'internal'] as const).map((a) => (
              <label key={a} className="inline">
                <input type="radio" name="audience" value={a} checked={audience === a} onChange={() => setAudience(a)} />
                {a === 'public' ? 'Public (status page + stakeholders)' : 'Internal (stakeholders only)'}
              </label>
            ))}
          </fieldset>
          {/* The server previews only what could be posted now. */}
          {audience === 'public' && !incident.private && mayPost ? <PublicPreview incident={incident} input={fields} /> : null}
          <FormError action={action} fields={FIELDS} />
          <CommandNotice id={noticeId} barred={barred} kept="Your draft stays here until you discard it." />
          <div className="row wrap">
            <button type="submit" className="primary" disabled={action.busy || !mayPost} aria-describedby={mayPost ? undefined : noticeId}>
              {action.busy ? 'Posting…' : 'Post update'}
            </button>
            {mayPost ? null : (
              <button type="button" onClick={clear}>
                Discard draft
              </button>
            )}
          </div>
        </div>
        <div className="composer-preview">
          <div className="row">
            <h3>Preview</h3>
            <CopyButton text={preview} label="Copy Markdown" />
          </div>
          <Markdown source={preview} label="Update preview" />
          {answer ? (
            <div className="posted" role="status">
              {'draftedBy' in answer ? (
                <p>
                  <strong>{heldLine(answer, incident)}</strong> It waits under Held for approval.
                </p>
              ) : (
                <div className="row">
                  <strong>Posted update {answer.id}</strong>
                  <CopyButton text={answer.markdown} label="Copy posted Markdown" />
                </div>
              )}
              {answer.warnings.map((w) => (
                <div key={w.code} className="warning">
                  {w.message}
                </div>
              ))}
            </div>
          ) : null}
        </div>
      </form>
    </section>
  );
}
