import type { IncidentEvent, ManualEntryKind, DeputyRole, RoleName, UpdateAudience, UpdateStatus, Links } from './events.js';
import type { IncidentState } from './state.js';
import type { SeverityPolicy } from '../severity/policy.js';
import { refuse } from './errors.js';
import { decideSeverityChange } from '../severity/change.js';
import {
  decideAcceptCommand,
  decideAddSme,
  decideAssignRole,
  decideDeclineCommand,
  decideOfferCommand,
  decideReleaseRole,
  decideReleaseSme,
} from '../roles/rules.js';
import { decideTimelineEntry } from '../timeline/rules.js';
import { decidePostUpdate } from '../updates/rules.js';
import { decideAssignPostmortem, decideResolve } from '../postmortem/rules.js';

export interface Warning {
  code: string;
  message: string;
}

export interface Decision {
  events: IncidentEvent[];
  warnings: Warning[];
}

export interface DecideContext {
  /** UTC ISO-8601; the domain never reads a clock. */
  now: string;
  actor: { handle: string; admin: boolean };
  policy: SeverityPolicy;
}

export interface DeclareInput {
  title: string;
  severity: string;
  summary?: string | null;
  startedAt?: string | null;
  components?: string[];
  links?: Partial<Links>;
  commander?: string | null;
  private?: boolean;
}

/** Everything that can be asked of an open incident, one variant per operation. */
export type IncidentCommand =
  | { type: 'ChangeSeverity'; severity: string; reason: string }
  | { type: 'OfferCommand'; to: string }
  | { type: 'AcceptCommand'; handoffId: string }
  | { type: 'DeclineCommand'; handoffId: string }
  | { type: 'AssignRole'; role: DeputyRole; person: string }
  | { type: 'ReleaseRole'; role: RoleName }
  | { type: 'AddSme'; person: string; specialty: string }
  | { type: 'ReleaseSme'; person: string }
  | { type: 'AddTimelineEntry'; kind: ManualEntryKind; text: string; at?: string | null; corrects?: number | null }
  | {
      type: 'PostUpdate';
      status: Exclude<UpdateStatus, 'resolved'> | 'resolved';
      impact: string;
      whatWeKnow: string;
      nextStep?: string | null;
      nextUpdateBy?: string | null;
      audience?: UpdateAudience | null;
    }
  | { type: 'Resolve'; impact: string; whatWeKnow: string; nextStep?: string | null; audience?: UpdateAudience | null }
  | { type: 'AssignPostmortem'; owner: string; scheduledFor: string };

export function requireActive(state: IncidentState): void {
  if (state.phase !== 'active')
    refuse('INCIDENT_NOT_OPEN', `INC-${state.number} is resolved; it no longer takes this change.`, { state: state.phase });
}

/** Given an incident and a command, the events that follow — or a refusal. */
export function decide(state: IncidentState, command: IncidentCommand, ctx: DecideContext): Decision {
  switch (command.type) {
    case 'ChangeSeverity':
      return decideSeverityChange(state, command, ctx);
    case 'OfferCommand':
      return decideOfferCommand(state, command, ctx);
    case 'AcceptCommand':
      return decideAcceptCommand(state, command, ctx);
    case 'DeclineCommand':
      return decideDeclineCommand(state, command, ctx);
    case 'AssignRole':
      return decideAssignRole(state, command, ctx);
    case 'ReleaseRole':
      return decideReleaseRole(state, command, ctx);
    case 'AddSme':
      return decideAddSme(state, command, ctx);
    case 'ReleaseSme':
      return decideReleaseSme(state, command, ctx);
    case 'AddTimelineEntry':
      return decideTimelineEntry(state, command, ctx);
    case 'PostUpdate':
      return decidePostUpdate(state, command, ctx);
    case 'Resolve':
      return decideResolve(state, command, ctx);
    case 'AssignPostmortem':
      return decideAssignPostmortem(state, command, ctx);
  }
}

export type CommandOf<T extends IncidentCommand['type']> = Extract<IncidentCommand, { type: T }>;
