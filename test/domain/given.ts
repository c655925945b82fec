/**
 * Given/when/then for the pure domain: build an incident's recorded events, fold
 * them, ask a command of the result, and read back events or a refusal.
 *
 *   const incident = given(declared({ severity: 'SEV1' }), { event: { type: 'CommanderOffered', … }, by: 'alex' });
 *   const decision = incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'priya', at: minutes(3) });
 *   expect(decision.events).toEqual([...]);              // or: expect(refusal(() => …).code).toBe('…')
 *
 * `incident.after(command, …)` decides and records in one go, to build longer histories from commands.
 *
 * Time never comes from a clock: every event and command carries a fixed ISO time.
 */
import type { IncidentEvent, RecordedEvent } from '../../src/domain/model/events.js';
import { fold, type IncidentState } from '../../src/domain/model/state.js';
import { decide } from '../../src/domain/decide.js';
import type { DecideContext, Decision, IncidentCommand } from '../../src/domain/model/commands.js';
import { DomainError } from '../../src/domain/model/errors.js';
import { addMs } from '../../src/domain/model/time.js';
import { DEFAULT_SEVERITIES, findSeverity, type SeverityPolicy } from '../../src/domain/model/policy.js';

/** The seed playbook's incident: declared at 14:14 UTC on 2026-06-06. */
export const T0 = '2026-06-06T14:14:00.000Z';
export const INCIDENT = 7;

/** `T0` plus some minutes (and seconds): `minutes(18)` is 14:32 UTC. */
export function minutes(n: number, seconds = 0): string {
  return addMs(T0, n * 60_000 + seconds * 1_000);
}

export const policy: SeverityPolicy = { levels: DEFAULT_SEVERITIES };

/** The declarer and default actor. The rest of the cast: priya (comms), sam (scribe), dana and lee (SMEs). */
export const ALEX = 'alex';

type Declared = Extract<IncidentEvent, { type: 'IncidentDeclared' }>;

/** An `IncidentDeclared` event as `decideDeclare` would write it: the first update due within the default policy's `firstUpdateWithin`. */
export function declared(overrides: Partial<Omit<Declared, 'type'>> = {}): Declared {
  const severity = overrides.severity ?? 'SEV2';
  const declaredAt = overrides.declaredAt ?? T0;
  const firstWithin = findSeverity(policy, severity)?.firstUpdateWithinMs ?? null;
  return {
    type: 'IncidentDeclared',
    number: INCIDENT,
    title: 'Checkout errors',
    severity,
    summary: null,
    startedAt: declaredAt,
    declaredAt,
    channel: `inc-${declaredAt.slice(0, 10)}-checkout-errors`,
    components: [],
    links: { statusPage: null, dashboard: null, runbook: null },
    private: false,
    commander: ALEX,
    nextUpdateBy: firstWithin === null ? null : addMs(declaredAt, firstWithin),
    ...overrides,
  };
}

/** One step of history: the event, who did it and when (defaults: alex, a minute after the step before). */
export interface Step {
  event: IncidentEvent;
  by?: string;
  at?: string;
}

function isStep(step: IncidentEvent | Step): step is Step {
  return 'event' in step;
}

/**
 * Builds the recorded stream: `seq` counts from 1, as the incident's version does;
 * an event without a time is recorded one minute after the one before it.
 */
export function record(steps: (IncidentEvent | Step)[], incident = INCIDENT, before: RecordedEvent[] = []): RecordedEvent[] {
  const out = [...before];
  for (const raw of steps) {
    const step = isStep(raw) ? raw : { event: raw };
    const previous = out[out.length - 1];
    const recordedAt =
      step.at ??
      (step.event.type === 'IncidentDeclared' ? step.event.declaredAt : previous ? addMs(previous.recordedAt, 60_000) : T0);
    out.push({ incident, seq: out.length + 1, actor: step.by ?? ALEX, recordedAt, event: step.event });
  }
  return out;
}

export interface When {
  /** Who asks (default alex, the declarer and IC). */
  by?: string;
  /** When they ask (default: one minute after the last recorded event). */
  at?: string;
  admin?: boolean;
  policy?: SeverityPolicy;
}

export function ctx(options: When & { at: string }): DecideContext {
  return { now: options.at, actor: { handle: options.by ?? ALEX, admin: options.admin ?? false }, policy: options.policy ?? policy };
}

export class Incident {
  constructor(readonly events: RecordedEvent[]) {}

  get state(): IncidentState {
    return fold(this.events);
  }

  get lastAt(): string {
    const last = this.events[this.events.length - 1];
    if (!last) throw new Error('an incident needs at least its declaration');
    return last.recordedAt;
  }

  private context(options: When): DecideContext {
    return ctx({ ...options, at: options.at ?? addMs(this.lastAt, 60_000) });
  }

  /** Asks the incident a command; throws the DomainError if it is refused. */
  when(command: IncidentCommand, options: When = {}): Decision {
    return decide(this.state, command, this.context(options));
  }

  /** Asks a command and records what it decided, as the store would: the history after it. */
  after(command: IncidentCommand, options: When = {}): Incident {
    const context = this.context(options);
    const decision = decide(this.state, command, context);
    return this.with(...decision.events.map((event) => ({ event, by: context.actor.handle, at: context.now })));
  }

  /** The same history with more recorded events appended. */
  with(...steps: (IncidentEvent | Step)[]): Incident {
    return new Incident(record(steps, INCIDENT, this.events));
  }
}

/** Given these events happened (the first must be the declaration)… */
export function given(...steps: (IncidentEvent | Step)[]): Incident {
  return new Incident(record(steps));
}

/** …then the command is refused: returns the DomainError so the test can check its code. */
export function refusal(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal (DomainError), but the command was accepted');
}

export function codes(decision: Decision): string[] {
  return decision.warnings.map((w) => w.code);
}
