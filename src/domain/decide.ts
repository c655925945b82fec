import type { IncidentState } from './model/state.js';
import type { DecideContext, Decision, IncidentCommand } from './model/commands.js';
import { decideSeverityChange } from './severity/change.js';
import {
  decideAcceptCommand,
  decideAddSme,
  decideAssignRole,
  decideDeclineCommand,
  decideOfferCommand,
  decideReleaseRole,
  decideReleaseSme,
} from './roles/rules.js';
import { decideTimelineEntry } from './timeline/rules.js';
import { decidePostUpdate } from './updates/rules.js';
import { decideApproveDraft, decideRejectDraft } from './updates/outbound.js';
import { decideAssignPostmortem, decideResolve } from './postmortem/rules.js';
import { decidePublishPostmortem, decideRequestPostmortemReview, decideSavePostmortemDocument, decideSchedulePostmortem } from './postmortem/flow.js';
import { decideFireReminder } from './reminders/rules.js';
import { decidePublish, decideSetComponentStatus, decideUnpublish } from './status-page/rules.js';
import { decideObserveAlerts } from './alerts/observe.js';
import { decideEditIncident } from './incidents/edit.js';
import { decideReopen } from './incidents/reopen.js';
import { decideCreateTask, decideUpdateTask } from './tasks/rules.js';

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
    case 'CreateTask':
      return decideCreateTask(state, command, ctx);
    case 'UpdateTask':
      return decideUpdateTask(state, command, ctx);
    case 'ObserveAlerts':
      return decideObserveAlerts(command, ctx.now);
    case 'PostUpdate':
      return decidePostUpdate(state, command, ctx);
    case 'ApproveDraft':
      return decideApproveDraft(state, command, ctx, decidePostUpdate);
    case 'RejectDraft':
      return decideRejectDraft(state, command, ctx);
    case 'Resolve':
      return decideResolve(state, command, ctx);
    case 'EditIncident':
      return decideEditIncident(state, command, ctx);
    case 'Reopen':
      return decideReopen(state, command, ctx);
    case 'AssignPostmortem':
      return decideAssignPostmortem(state, command, ctx);
    case 'Publish':
      return decidePublish(state, command, ctx);
    case 'Unpublish':
      return decideUnpublish(state, command, ctx);
    case 'SchedulePostmortem':
      return decideSchedulePostmortem(state, command, ctx);
    case 'SavePostmortemDocument':
      return decideSavePostmortemDocument(state, command, ctx);
    case 'RequestPostmortemReview':
      return decideRequestPostmortemReview(state, command, ctx);
    case 'PublishPostmortem':
      return decidePublishPostmortem(state, command, ctx);
    case 'SetComponentStatus':
      return decideSetComponentStatus(state, command, ctx);
    case 'FireReminder':
      return decideFireReminder(state, command, ctx);
  }
}
