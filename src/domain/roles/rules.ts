/**
 * R3 — exactly one Incident Commander; handing it over is an offer that needs a yes.
 * R4 — roles are responsibilities, not headcount, within the severity's policy.
 * R5 — SMEs are pulled in by the IC, each with a specialty, and can be released.
 * R6 — the IC does not debug.
 */
import type { CommandOf, DecideContext, Decision, Warning } from '../model/commands.js';
import { requireActive, requireCommander } from '../model/guards.js';
import type { IncidentState } from '../model/state.js';
import { refuse } from '../model/errors.js';
import { findSeverity, type SeverityPolicy } from '../model/policy.js';
import { incidentId } from '../model/ids.js';

export const ROLE_LABELS = {
  incident_commander: 'Incident Commander',
  comms_lead: 'Comms Lead',
  scribe: 'Scribe',
} as const;

export const IC_HANDS_ON: Warning = {
  code: 'IC_HANDS_ON',
  message: 'The Incident Commander is going hands-on. Nobody is steering while the IC debugs: hand off IC first.',
};

export function decideOfferCommand(state: IncidentState, command: CommandOf<'OfferCommand'>, ctx: DecideContext): Decision {
  requireActive(state);
  requireCommander(state, ctx, 'can hand off IC');
  if (command.to === state.roles.incident_commander)
    refuse('ALREADY_COMMANDER', `@${command.to} is already the Incident Commander.`, { field: 'person' });
  const handoffId = `h${state.version + 1}`;
  return {
    events: [
      {
        type: 'CommanderOffered',
        handoffId,
        from: state.roles.incident_commander,
        to: command.to,
        supersedes: state.pendingHandoff?.id ?? null,
      },
    ],
    warnings: [],
  };
}

function pendingHandoff(state: IncidentState, handoffId: string, ctx: DecideContext) {
  requireActive(state);
  const pending = state.pendingHandoff;
  if (!pending || pending.id !== handoffId)
    refuse('HANDOFF_NOT_PENDING', `Handoff ${handoffId} is not pending on ${incidentId(state.number)}: it was answered, replaced, or never made.`, {
      field: 'handoffId',
    });
  if (pending.to !== ctx.actor.handle)
    refuse('NOT_OFFERED_TO_YOU', `IC was offered to @${pending.to}; only they can answer.`);
  return pending;
}

export function decideAcceptCommand(state: IncidentState, command: CommandOf<'AcceptCommand'>, ctx: DecideContext): Decision {
  const pending = pendingHandoff(state, command.handoffId, ctx);
  return {
    events: [{ type: 'CommanderAccepted', handoffId: pending.id, from: state.roles.incident_commander, to: pending.to }],
    warnings: [],
  };
}

export function decideDeclineCommand(state: IncidentState, command: CommandOf<'DeclineCommand'>, ctx: DecideContext): Decision {
  const pending = pendingHandoff(state, command.handoffId, ctx);
  return {
    events: [{ type: 'CommanderDeclined', handoffId: pending.id, from: state.roles.incident_commander, to: pending.to }],
    warnings: [],
  };
}

export function decideAssignRole(state: IncidentState, command: CommandOf<'AssignRole'>, ctx: DecideContext): Decision {
  requireActive(state);
  requireCommander(state, ctx, `names the ${ROLE_LABELS[command.role]}`);
  const previous = state.roles[command.role];
  if (previous === command.person)
    refuse('ROLE_ALREADY_HELD', `@${command.person} is already the ${ROLE_LABELS[command.role]}.`, { field: 'person' });
  const after = { ...state, roles: { ...state.roles, [command.role]: command.person } };
  return {
    events: [{ type: 'RoleAssigned', role: command.role, person: command.person, previous }],
    warnings: assessRoles(after, ctx.policy).warnings,
  };
}

export function decideReleaseRole(state: IncidentState, command: CommandOf<'ReleaseRole'>, ctx: DecideContext): Decision {
  requireActive(state);
  if (command.role === 'incident_commander')
    refuse('COMMANDER_REQUIRED', 'An open incident always has exactly one Incident Commander: offer IC to someone instead.', {
      field: 'role',
    });
  const role = command.role;
  const holder = state.roles[role];
  if (!holder) refuse('ROLE_NOT_HELD', `Nobody is the ${ROLE_LABELS[role]} on ${incidentId(state.number)}.`, { field: 'role' });
  if (ctx.actor.handle !== holder) requireCommander(state, ctx, `releases someone else from ${ROLE_LABELS[role]}`);
  return { events: [{ type: 'RoleReleased', role, person: holder }], warnings: [] };
}

export function decideAddSme(state: IncidentState, command: CommandOf<'AddSme'>, ctx: DecideContext): Decision {
  requireActive(state);
  requireCommander(state, ctx, 'pulls in SMEs');
  const specialty = command.specialty.trim();
  if (!specialty) refuse('VALIDATION_FAILED', 'An SME is pulled in for a specialty (database, payments, network…).', { field: 'specialty' });
  if (state.smes.some((s) => s.person === command.person))
    refuse('SME_ALREADY_IN', `@${command.person} is already an SME on ${incidentId(state.number)}.`, { field: 'person' });
  const commander = state.roles.incident_commander;
  if (command.person === commander) {
    return {
      events: [
        { type: 'SmeAdded', person: command.person, specialty },
        { type: 'CommanderWentHandsOn', commander, via: 'sme' },
      ],
      warnings: [IC_HANDS_ON],
    };
  }
  return { events: [{ type: 'SmeAdded', person: command.person, specialty }], warnings: [] };
}

export function decideReleaseSme(state: IncidentState, command: CommandOf<'ReleaseSme'>, ctx: DecideContext): Decision {
  requireActive(state);
  const sme = state.smes.find((s) => s.person === command.person);
  if (!sme) refuse('SME_NOT_FOUND', `@${command.person} is not an SME on ${incidentId(state.number)}.`, { field: 'person' });
  if (ctx.actor.handle !== sme.person) requireCommander(state, ctx, 'releases SMEs');
  return { events: [{ type: 'SmeReleased', person: sme.person, specialty: sme.specialty }], warnings: [] };
}

export interface RoleAssessment {
  /** Blocking-in-spirit gaps the IC is nudged about (SEV1's three different people). */
  roleGaps: Warning[];
  /** Expectations that are not met but do not make a gap (SEV2's separate Comms Lead). */
  warnings: Warning[];
}

/** What the severity's role policy asks for, against who holds what now. */
export function assessRoles(state: Pick<IncidentState, 'severity' | 'roles' | 'phase'>, policy: SeverityPolicy): RoleAssessment {
  const none = { roleGaps: [], warnings: [] };
  if (state.phase !== 'active') return none;
  const rolePolicy = findSeverity(policy, state.severity)?.roles ?? 'combined';
  const { incident_commander: ic, comms_lead: comms, scribe } = state.roles;
  switch (rolePolicy) {
    case 'separate': {
      const gaps: Warning[] = [];
      if (!comms) gaps.push({ code: 'COMMS_LEAD_MISSING', message: `${state.severity} needs a Comms Lead: name one.` });
      if (!scribe) gaps.push({ code: 'SCRIBE_MISSING', message: `${state.severity} needs a Scribe: name one.` });
      const held = [ic, comms, scribe].filter((p): p is string => p !== null);
      if (new Set(held).size < held.length)
        gaps.push({
          code: 'ROLES_NOT_DISTINCT',
          message: `${state.severity} needs the IC, Comms Lead and Scribe to be three different people.`,
        });
      return { roleGaps: gaps, warnings: [] };
    }
    case 'comms-separate': {
      if (!comms)
        return { roleGaps: [], warnings: [{ code: 'COMMS_LEAD_MISSING', message: `${state.severity} expects a Comms Lead besides the IC.` }] };
      if (comms === ic)
        return {
          roleGaps: [],
          warnings: [{ code: 'COMMS_LEAD_IS_COMMANDER', message: `${state.severity} expects the Comms Lead to be someone other than the IC.` }],
        };
      return none;
    }
    case 'combined':
      return none;
  }
}

/**
 * R4 with people who left: a role held by someone since deactivated is as good as empty, so an
 * open incident shows it as a gap until someone else is named.
 */
export function deactivatedHolderGaps(state: Pick<IncidentState, 'roles' | 'phase'>, inactive: ReadonlySet<string>): Warning[] {
  if (state.phase !== 'active' || inactive.size === 0) return [];
  return (Object.keys(ROLE_LABELS) as (keyof typeof ROLE_LABELS)[])
    .filter((role) => state.roles[role] !== null && inactive.has(state.roles[role]!))
    .map((role) => ({
      code: 'ROLE_HOLDER_DEACTIVATED',
      message: `${ROLE_LABELS[role]} @${state.roles[role]} has been deactivated: name someone else.`,
    }));
}
