/** R11: resolving takes a final update (the postmortem that follows is in console/src/postmortem). */
import { useId, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';
import { FormError, TextAreaField, useAction } from '../ui.js';
import { CommandNotice, Discarded, useKept, useMayCommand } from './commander.js';

/**
 * Shown to the IC (or an admin). Someone who loses IC while writing the final update keeps
 * the panel and their text, to hand over, with Resolve disabled.
 */
export function ResolvePanel({ incident, onChanged }: { incident: Incident; onChanged: (incident: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const mayCommand = useMayCommand(incident);
  const noticeId = useId();
  const [impact, setImpact] = useState('');
  const [whatWeKnow, setWhatWeKnow] = useState('');
  const [nextStep, setNextStep] = useState('');
  const typed = [impact, whatWeKnow, nextStep].some((t) => t.trim() !== '');
  const kept = useKept(mayCommand, typed);
  if (!mayCommand && !typed) return kept ? <Discarded what="Final update" /> : null;
  const discard = () => {
    setImpact('');
    setWhatWeKnow('');
    setNextStep('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () =>
      onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/resolve`, { impact, whatWeKnow, ...(nextStep.trim() ? { nextStep } : {}) })),
    );
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
        <CommandNotice id={noticeId} incident={incident} mayCommand={mayCommand} kept="Your final update stays here until you discard it." />
        <div className="row wrap">
          <button type="submit" className="danger" disabled={action.busy || !mayCommand} aria-describedby={mayCommand ? undefined : noticeId}>
            Resolve {incident.id} with this final update
          </button>
          {mayCommand ? null : (
            <button type="button" onClick={discard}>
              Discard final update
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
