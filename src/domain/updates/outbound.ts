/**
 * "The Comms Lead owns everything that leaves the room" (issue 15, item 4): who may post
 * a public update once a Comms Lead is named, by configuration (`updates.publicBy`).
 *
 * - `anyone` (the default): posted, with a warning in the answer and a timeline entry
 *   saying who posted while someone else holds Comms;
 * - `comms-lead`: refused (409 COMMS_LEAD_OWNS_OUTBOUND) for anyone but the Comms Lead;
 * - `comms-lead-approves`: held as a draft the Comms Lead approves (it is posted then) or
 *   rejects.
 * Internal updates stay in the room and are never held; with no Comms Lead named, anyone posts.
 */
import type { CommandOf, DecideContext, Decision, Warning } from '../model/commands.js';
import type { IncidentEvent, UpdateAudience } from '../model/events.js';
import type { IncidentState, UpdateDraft } from '../model/state.js';
import { requireActive } from '../model/guards.js';
import { refuse } from '../model/errors.js';
import { incidentId } from '../model/ids.js';
import type { PublicBy } from '../model/policy.js';


export type OutboundRuling =
  /** Posted as asked; `notCommsLead` is who holds Comms when someone else posted. */
  | { verdict: 'post'; notCommsLead: string | null; warnings: Warning[] }
  | { verdict: 'hold'; commsLead: string };

/** Whether `poster` may send a public update out now, by the team's `publicBy`. Refuses under `comms-lead`. */
export function ruleOutbound(publicBy: PublicBy, commsLead: string | null, poster: string, audience: UpdateAudience): OutboundRuling {
  if (audience !== 'public' || commsLead === null || commsLead === poster) return { verdict: 'post', notCommsLead: null, warnings: [] };
  switch (publicBy) {
    case 'comms-lead':
      return refuse('COMMS_LEAD_OWNS_OUTBOUND', `@${commsLead} is the Comms Lead and owns everything that leaves the room: ask them to post this public update, or post it as internal.`, {
        field: 'audience',
        commsLead,
      });
    case 'comms-lead-approves':
      return { verdict: 'hold', commsLead };
    case 'anyone':
      return {
        verdict: 'post',
        notCommsLead: commsLead,
        warnings: [{ code: 'NOT_THE_COMMS_LEAD', message: `@${commsLead} is the Comms Lead and owns what leaves the room; this public update went out without them. Tell them.` }],
      };
  }
}

/** The events of a held update: it waits as draft `draftId` for the Comms Lead. */
export function heldEvents(state: IncidentState, fields: Omit<UpdateDraft, 'id' | 'draftedBy' | 'draftedAt'>, commsLead: string): IncidentEvent[] {
  return [{ type: 'UpdateHeld', draftId: `d${state.version + 1}`, commsLead, ...fields }];
}

function pendingDraft(state: IncidentState, draftId: string): UpdateDraft {
  const draft = state.drafts.find((d) => d.id === draftId);
  if (!draft) refuse('DRAFT_NOT_PENDING', `Draft ${draftId} is not waiting on ${incidentId(state.number)}: it was approved, rejected, or never held.`, { field: 'draftId' });
  return draft;
}

/** Who decides on held drafts: the Comms Lead; with none named (released since), the IC (the console shows it as the API gives the roles). */
export function draftApprover<Commander extends string | null>(roles: { comms_lead: string | null; incident_commander: Commander }): string | Commander {
  return roles.comms_lead ?? roles.incident_commander;
}

function requireApprover(state: IncidentState, ctx: DecideContext): void {
  const approver = draftApprover(state.roles);
  if (ctx.actor.handle !== approver && !ctx.actor.admin)
    refuse('ONLY_COMMS_LEAD', `Only ${state.roles.comms_lead ? 'the Comms Lead' : 'the Incident Commander (there is no Comms Lead)'} (@${approver}) approves or rejects a held update.`);
}

/**
 * Approving posts the draft as the approver's update, by R7's rules as of now: a promised
 * "next update by" that has passed meanwhile falls back to the cadence.
 */
export function decideApproveDraft(
  state: IncidentState,
  command: CommandOf<'ApproveDraft'>,
  ctx: DecideContext,
  post: (state: IncidentState, command: CommandOf<'PostUpdate'>, ctx: DecideContext) => Decision,
): Decision {
  requireActive(state);
  requireApprover(state, ctx);
  const draft = pendingDraft(state, command.draftId);
  const stillAhead = draft.nextUpdateBy !== null && Date.parse(draft.nextUpdateBy) > Date.parse(ctx.now);
  const posted = post(
    state,
    {
      type: 'PostUpdate',
      status: draft.status,
      impact: draft.impact,
      whatWeKnow: draft.whatWeKnow,
      nextStep: draft.nextStep,
      nextUpdateBy: stillAhead ? draft.nextUpdateBy : null,
      audience: draft.audience,
    },
    ctx,
  );
  return { events: [{ type: 'DraftApproved', draftId: draft.id, draftedBy: draft.draftedBy }, ...posted.events], warnings: posted.warnings };
}

export function decideRejectDraft(state: IncidentState, command: CommandOf<'RejectDraft'>, ctx: DecideContext): Decision {
  requireActive(state);
  requireApprover(state, ctx);
  const draft = pendingDraft(state, command.draftId);
  const reason = command.reason.trim();
  if (!reason) refuse('VALIDATION_FAILED', 'Rejecting a held update takes a reason, so its author knows what to change.', { field: 'reason' });
  return { events: [{ type: 'DraftRejected', draftId: draft.id, draftedBy: draft.draftedBy, reason }], warnings: [] };
}
