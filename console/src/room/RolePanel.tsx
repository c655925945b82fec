/**
 * R3–R6: who holds which role. The IC names the Comms Lead and Scribe, pulls in SMEs and
 * offers IC (the offer needs a yes: the person offered sees Accept / Decline here).
 */
import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident, Person } from '../types.js';
import { Field, FormError, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { useChoice } from '../following.js';
import { useMayCommand } from './commander.js';

type DeputyRole = 'comms_lead' | 'scribe';
const DEPUTIES: { role: DeputyRole; label: string }[] = [
  { role: 'comms_lead', label: 'Comms Lead' },
  { role: 'scribe', label: 'Scribe' },
];

export interface RolePanelProps {
  incident: Incident;
  people: Person[];
  /** The incident as the server answered a write, shown at once (the live stream confirms it). */
  onChanged: (incident: Incident) => void;
}

const who = (handle: string, people: Person[]) => {
  const person = people.find((p) => p.handle === handle);
  return person ? `@${handle} (${person.name})` : `@${handle}`;
};

/** Who may be chosen: responders, not viewers, and not those `exclude` names. */
const candidates = (people: Person[], exclude: string[]) => people.filter((p) => p.role !== 'viewer' && !exclude.includes(p.handle));

/** `offered`, the candidates; `value`, a choice among them (useChoice). */
function PersonSelect(props: { id: string; describedBy: string | undefined; offered: Person[]; value: string; onChange: (v: string) => void }) {
  return (
    <select id={props.id} aria-describedby={props.describedBy} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">Choose a person…</option>
      {props.offered.map((p) => (
        <option key={p.handle} value={p.handle}>
          @{p.handle} ({p.name})
        </option>
      ))}
    </select>
  );
}

function DeputyRow({ incident, people, role, label, canCommand, onChanged }: RolePanelProps & { role: DeputyRole; label: string; canCommand: boolean }) {
  const { api, me, permissions } = useConsole();
  const action = useAction();
  const holder = incident.roles[role];
  const offered = candidates(people, holder ? [holder] : []);
  const [person, setPerson] = useChoice(offered.map((p) => p.handle));
  const open = incident.state === 'open';
  const name = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(async () => onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/roles`, { role, person })))) setPerson('');
  };
  const release = () => action.run(async () => onChanged(await api.write<Incident>('DELETE', `/incidents/${incident.id}/roles/${role}`)));
  return (
    <div className="role-row">
      <dt>{label}</dt>
      <dd>
        {holder ? who(holder, people) : <span className="gap">(unassigned)</span>}
        {open && holder && permissions.respond && (canCommand || holder === me.handle) ? (
          <button type="button" className="small" onClick={() => void release()} disabled={action.busy}>
            Release {label}
          </button>
        ) : null}
        {open && canCommand ? (
          <form className="inline-form" onSubmit={(e) => void name(e)}>
            <Field label={`Name ${label}`} field="person" action={action}>
              {(id, d) => <PersonSelect id={id} describedBy={d} offered={offered} value={person} onChange={setPerson} />}
            </Field>
            <button type="submit" disabled={action.busy || !person}>
              Name
            </button>
          </form>
        ) : null}
        <FormError action={action} fields={['person']} />
      </dd>
    </div>
  );
}

function CommanderRow({ incident, people, canCommand, onChanged }: RolePanelProps & { canCommand: boolean }) {
  const { api, me } = useConsole();
  const offer = useAction();
  const answer = useAction();
  const ic = incident.roles.incident_commander;
  const offered = candidates(people, [ic]);
  const [person, setPerson] = useChoice(offered.map((p) => p.handle));
  const pending = incident.pendingHandoff;
  const open = incident.state === 'open';
  const submitOffer = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await offer.run(async () =>
      onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/roles`, { role: 'incident_commander', person })),
    );
    if (ok) setPerson('');
  };
  const reply = (verb: 'accept' | 'decline') =>
    answer.run(async () => onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/handoffs/${pending!.id}/${verb}`)));
  return (
    <div className="role-row">
      <dt>Incident Commander</dt>
      <dd>
        {who(ic, people)}
        {ic === me.handle ? <span className="you"> (you)</span> : null}
        {open && pending ? (
          <div className="offer" role="status">
            IC offered to {who(pending.to, people)} at {utcTime(pending.offeredAt)}; @{pending.from} stays IC until they say yes.
            {pending.to === me.handle ? (
              <div className="row">
                <button type="button" className="primary" onClick={() => void reply('accept')} disabled={answer.busy}>
                  Accept IC
                </button>
                <button type="button" onClick={() => void reply('decline')} disabled={answer.busy}>
                  Decline IC
                </button>
              </div>
            ) : null}
            <FormError action={answer} fields={[]} />
          </div>
        ) : null}
        {open && canCommand ? (
          <form className="inline-form" onSubmit={(e) => void submitOffer(e)}>
            <Field label="Offer IC to" field="person" action={offer} hint="Handing off IC needs a yes from them.">
              {(id, d) => <PersonSelect id={id} describedBy={d} offered={offered} value={person} onChange={setPerson} />}
            </Field>
            <button type="submit" disabled={offer.busy || !person}>
              Offer IC
            </button>
          </form>
        ) : null}
        <FormError action={offer} fields={['person']} />
      </dd>
    </div>
  );
}

function Smes({ incident, people, canCommand, onChanged }: RolePanelProps & { canCommand: boolean }) {
  const { api, me, permissions } = useConsole();
  const add = useAction();
  const release = useAction();
  const offered = candidates(
    people,
    incident.smes.map((s) => s.person),
  );
  const [person, setPerson] = useChoice(offered.map((p) => p.handle));
  const [specialty, setSpecialty] = useState('');
  const open = incident.state === 'open';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await add.run(async () => onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/smes`, { person, specialty })));
    if (ok) {
      setPerson('');
      setSpecialty('');
    }
  };
  return (
    <div className="role-row">
      <dt>SMEs</dt>
      <dd>
        {incident.smes.length === 0 ? <span className="muted">(none yet)</span> : null}
        <ul className="smes">
          {incident.smes.map((s) => (
            <li key={s.person}>
              {who(s.person, people)}, {s.specialty}
              {open && permissions.respond && (canCommand || s.person === me.handle) ? (
                <button
                  type="button"
                  className="small"
                  disabled={release.busy}
                  onClick={() => void release.run(async () => onChanged(await api.write<Incident>('DELETE', `/incidents/${incident.id}/smes/${s.person}`)))}
                >
                  Release @{s.person}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        <FormError action={release} fields={[]} />
        {open && canCommand ? (
          <form className="inline-form" onSubmit={(e) => void submit(e)}>
            <Field label="Pull in SME" field="person" action={add}>
              {(id, d) => <PersonSelect id={id} describedBy={d} offered={offered} value={person} onChange={setPerson} />}
            </Field>
            <Field label="Specialty" field="specialty" action={add}>
              {(id, d) => <input id={id} aria-describedby={d} value={specialty} placeholder="database, payments, network…" onChange={(e) => setSpecialty(e.target.value)} />}
            </Field>
            <button type="submit" disabled={add.busy || !person}>
              Pull in
            </button>
          </form>
        ) : null}
        <FormError action={add} fields={['person', 'specialty']} />
      </dd>
    </div>
  );
}

export function RolePanel(props: RolePanelProps) {
  const { incident } = props;
  const canCommand = useMayCommand(incident);
  const handsOn = incident.state === 'open' && incident.smes.some((s) => s.person === incident.roles.incident_commander);
  return (
    <section className="panel roles" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      {incident.roleGaps.length > 0 ? (
        <div className="alert red" role="alert" aria-label="Role gap">
          <strong>Role gap</strong>
          <ul>
            {incident.roleGaps.map((g) => (
              <li key={g.code}>{g.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {incident.warnings.length > 0 || handsOn ? (
        <div className="alert amber" role="status" aria-label="Role warnings">
          <ul>
            {incident.warnings.map((w) => (
              <li key={w.code}>{w.message}</li>
            ))}
            {handsOn && !incident.warnings.some((w) => w.code === 'IC_HANDS_ON') ? (
              <li>The Incident Commander is also an SME: nobody is steering while the IC debugs. Hand off IC first.</li>
            ) : null}
          </ul>
        </div>
      ) : null}
      <dl>
        <CommanderRow {...props} canCommand={canCommand} />
        {DEPUTIES.map((d) => (
          <DeputyRow key={d.role} {...props} role={d.role} label={d.label} canCommand={canCommand} />
        ))}
        <Smes {...props} canCommand={canCommand} />
      </dl>
    </section>
  );
}
