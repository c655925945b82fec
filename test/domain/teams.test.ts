/**
 * Microsoft Teams rules (src/domain/chat/teams.ts), pure: which events become channel cards,
 * which webhook an incident's cards go to, which incident a bot command is about; the
 * `chat.teams.webhooks` configuration; and the card check itself refusing a broken card.
 */
import { describe, expect, it } from 'vitest';
import { pickIncident, splitIncidentRef, teamsNotice, teamsWebhookKey } from '../../src/domain/chat/teams.js';
import { evolve, evolveDeclared, type IncidentState } from '../../src/domain/model/state.js';
import type { IncidentEvent, RecordedEvent } from '../../src/domain/model/events.js';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { retryAfterMs } from '../../src/integrations/chat/teams/webhook.js';
import { teamsWebhooksFromEnvironment } from '../../src/integrations/chat/teams/environment.js';
import { teamsDeclareForm, teamsEventCard } from '../../src/presenters/chat/teams-cards.js';
import { DEFAULT_SEVERITIES } from '../../src/domain/model/policy.js';
import { cardWarnings } from '../support/adaptive-cards.js';
import { declared, T0 } from './given.js';

function recordedDeclared(isPrivate = false): RecordedEvent {
  return { incident: 7, seq: 1, actor: 'alex', recordedAt: T0, event: declared({ private: isPrivate }) };
}

function then(state: IncidentState, event: IncidentEvent): [RecordedEvent, IncidentState] {
  const recorded = { incident: 7, seq: state.version + 1, actor: 'alex', recordedAt: T0, event };
  return [recorded, evolve(state, recorded)];
}

describe('Teams channel cards', () => {
  const first = recordedDeclared();
  const state = evolveDeclared(first);

  it('card the declaration, role changes, updates, reminders, severity and resolving; not the timeline chatter', () => {
    expect(teamsNotice(first, state)).toBe('declared');
    expect(teamsNotice(...then(state, { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }))).toBe('role');
    expect(teamsNotice(...then(state, { type: 'StatusUpdatePosted', status: 'identified', impact: 'i', whatWeKnow: 'w', nextStep: null, nextUpdateBy: null, audience: 'public' }))).toBe('update');
    expect(teamsNotice(...then(state, { type: 'TimelineEntryAdded', kind: 'note', text: 'x', occurredAt: T0, corrects: null }))).toBeNull();
    // The final update rides on the resolved card.
    expect(teamsNotice(...then(state, { type: 'StatusUpdatePosted', status: 'resolved', impact: 'i', whatWeKnow: 'w', nextStep: null, nextUpdateBy: null, audience: 'public' }))).toBeNull();
    expect(teamsNotice(...then(state, { type: 'IncidentResolved', postmortemRequired: false }))).toBe('resolved');
  });

  it('keeps private incidents out of shared channels', () => {
    const secret = recordedDeclared(true);
    expect(teamsNotice(secret, evolveDeclared(secret))).toBeNull();
  });

  it('sends each severity to its own webhook, else the default, else nowhere', () => {
    expect(teamsWebhookKey({ SEV1: 'https://a', default: 'https://b' }, 'SEV1')).toBe('SEV1');
    expect(teamsWebhookKey({ SEV1: 'https://a', default: 'https://b' }, 'SEV3')).toBe('default');
    expect(teamsWebhookKey({ SEV1: 'https://a' }, 'SEV3')).toBeNull();
  });

  it('builds cards the adaptivecards library takes without a warning, and the check refuses a broken one', async () => {
    expect(await cardWarnings(teamsEventCard(state, first, 'declared', 'https://ic.example.com').card)).toEqual([]);
    expect(await cardWarnings(teamsDeclareForm({ levels: DEFAULT_SEVERITIES }))).toEqual([]);
    expect(await cardWarnings({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Bogus' }, { type: 'TextBlock', text: 'x', color: 'Nope' }] })).toHaveLength(2);
  });
});

describe('Teams bot commands', () => {
  it('read a leading INC-n as the incident and leave the rest to the chat grammar', () => {
    expect(splitIncidentRef('INC-12 note The deploy')).toEqual({ incident: 12, rest: 'note The deploy' });
    expect(splitIncidentRef('inc-3 status')).toEqual({ incident: 3, rest: 'status' });
    expect(splitIncidentRef('note INC-12 is related')).toEqual({ incident: null, rest: 'note INC-12 is related' });
  });

  it('take the named incident, else the only open one, else ask', () => {
    expect(pickIncident(4, [1, 2])).toEqual({ incident: 4 });
    expect(pickIncident(null, [9])).toEqual({ incident: 9 });
    expect(pickIncident(null, [])).toEqual({ problem: 'No incident is open; name one as INC-12.' });
    expect(pickIncident(null, [2, 1])).toEqual({ problem: '2 incidents are open: name one, as in `INC-2 note …`.' });
  });
});

describe('chat.teams configuration', () => {
  it('takes https webhooks by severity and default; refuses unknown severities and plain http', () => {
    expect(buildConfig({ chat: { teams: { webhooks: { SEV1: 'https://x.logic.azure.com/w?sig=a', default: 'https://y.logic.azure.com/w?sig=b' } } } }).chat.teams.webhooks).toEqual({
      SEV1: 'https://x.logic.azure.com/w?sig=a',
      default: 'https://y.logic.azure.com/w?sig=b',
    });
    expect(buildConfig({}).chat.teams.webhooks).toEqual({});
    expect(() => buildConfig({ chat: { teams: { webhooks: { SEV9: 'https://x.example.com/' } } } })).toThrow(ConfigError);
    expect(() => buildConfig({ chat: { teams: { webhooks: { default: 'http://x.example.com/' } } } })).toThrow(ConfigError);
  });

  it('takes TEAMS_WEBHOOK_URL as the default where the file names none', () => {
    const file = buildConfig({ chat: { teams: { webhooks: { SEV1: 'https://a.example.com/' } } } });
    expect(teamsWebhooksFromEnvironment({ TEAMS_WEBHOOK_URL: 'https://b.example.com/' }, file)).toEqual({ SEV1: 'https://a.example.com/', default: 'https://b.example.com/' });
    expect(teamsWebhooksFromEnvironment({}, buildConfig({}))).toBeNull();
    expect(() => teamsWebhooksFromEnvironment({ TEAMS_WEBHOOK_URL: 'http://b.example.com/' }, file)).toThrow(/TEAMS_WEBHOOK_URL/);
  });

  it('waits out Retry-After in seconds or as a date, a second when it says nothing', () => {
    expect(retryAfterMs('30', 0)).toBe(30_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4_000)).toBe(6_000);
    expect(retryAfterMs(null, 0)).toBe(1000);
  });
});
