/** R11: resolving takes a final update (the postmortem that follows is in console/src/postmortem). */
import { useId, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';
import { FormError, TextAreaField, useAction } from '../ui.js';
import { CommandNotice, Discarded, useKept, useStepBarred } from './commander.js';

/**
 * Shown to the IC (or an admin) of an open incident. Someone writing the final update when
 * resolving stops being theirs (IC handed on, or the incident resolved or merged by someone
 * else) keeps the panel and their text, to hand over or use elsewhere, with Resolve disabled.
 */
export function ResolvePanel({ incident, onChanged }: { incident: Incident; onChanged: (incident: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const barred = useStepBarred(incident, action.busy);
  const mayTake = barred === null;
  const noticeId = useId();
  const [impact, setImpact] = useState('');
  const [whatWeKnow, setWhatWeKnow] = useState('');
  const [nextStep, setNextStep] = useState('');
  const typed = [impact, whatWeKnow, nextStep].some((t) => t.trim() !== '');
  const kept = useKept(mayTake, typed);
  if (!mayTake && !typed) return kept ? <Discarded what="Final update" /> : null;
  const clear = () => {
    setImpact('');
    setWhatWeKnow('');
    setNextStep('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const resolved = await api.write<Incident>('POST', `/incidents/${incident.id}/resolve`, { impact, whatWeKnow, ...(nextStep.trim() ? { nextStep } : {}) });
      // Cleared before the room takes the resolved incident, batched or not: with nothing typed
      // the panel goes, where a final update still typed would be kept as someone else's doing.
      clear();
      onChanged(resolved);
    });
  };
  return (
    <section className="panel resolve" aria-labelledby="resolve-title">
      <h2 id="resolve-title">Resolve</h2>
      <p className="hint">Once the service is healthy: resolving posts the final update. Resolution is not the end: the postmortem is.</p>
      <form onSubmit={(e) => void submit(e)}>
        <TextAreaField label="Final impact" field="impact" action={action} value={impact} onChange={setImpact} />
        <TextAreaField label="What we know (cause, as known)" field="whatWeKnow" action={action} value={whatWeKnow} onChange={setWhatWeKnow} />
        <TextAreaField label="Next step (optional)" field="nextStep" action={action} value={nextStep} onChange={setNextStep} />
        <FormError action={action} fields={['impact', 'whatWeKnow', 'nextStep']} />
        <CommandNotice id={noticeId} barred={barred} kept="Your final update stays here until you discard it." />
        <div className="row wrap">
          <button type="submit" className="danger" disabled={action.busy || !mayTake} aria-describedby={mayTake ? undefined : noticeId}>
            Resolve {incident.id} with this final update
          </button>
          {mayTake ? null : (
            <button type="button" onClick={clear}>
              Discard final update
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
