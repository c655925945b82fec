import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { keyPath } from '../../src/config/errors.js';
import { parseDuration, formatDuration } from '../../src/domain/model/time.js';
import { DEFAULT_SEVERITIES } from '../../src/domain/model/policy.js';

const sev = (overrides: Record<string, unknown> = {}) => ({
  id: 'SEV1',
  name: 'Critical',
  impact: 'Core feature down',
  response: 'All hands',
  updateEvery: '30m',
  audience: 'public',
  roles: 'separate',
  postmortem: 'required',
  ...overrides,
});

/** The problems a configuration is refused with, as `field: problem`. */
function problems(raw: unknown): string[] {
  try {
    buildConfig(raw, 'incident.config.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.field}: ${p.problem}`);
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('R2: configuration defaults are the playbook', () => {
  it('R2: an empty file gives the default policy, reminders and no components or links', () => {
    const config = buildConfig({}, 'built-in defaults');
    expect(config).toMatchObject({
      source: 'built-in defaults',
      organization: { name: 'Incident Command', statusPageTitle: 'Incident Command Status' },
      policy: { levels: DEFAULT_SEVERITIES },
      components: [],
      links: { statusPage: null, dashboard: null, runbook: null },
    });
    expect(config.reminders).toMatchObject({ dueSoonMs: 5 * 60_000, roleGapMs: 5 * 60_000, postmortemOwedMs: 24 * 3_600_000 });
  });

  it('R7: stakeholders come from the organization and each severity; an internal severity may not list any', () => {
    const config = buildConfig({ stakeholders: ['ceo'], severities: [sev({ stakeholders: ['vp-eng'] }), sev({ id: 'SEV3', audience: 'internal' })] });
    expect(config.stakeholders).toEqual(['ceo']);
    expect(config.policy.levels.map((l) => l.stakeholders)).toEqual([['vp-eng'], []]);
    expect(buildConfig({}).stakeholders).toEqual([]);
    expect(problems({ severities: [sev({ audience: 'internal', stakeholders: ['vp-eng'] })] })).toEqual([
      'severities[0].stakeholders: an internal severity tells no stakeholders; make its audience stakeholders or public',
    ]);
    expect(problems({ stakeholders: ['Not A Handle'] })[0]).toMatch(/^stakeholders\[0\]: /);
    expect(problems({ stakeholders: 'ceo' })[0]).toMatch(/^stakeholders: /);
  });

  it('R2: a missing or null document (an empty YAML file) is the defaults too', () => {
    expect(buildConfig(undefined).policy.levels).toEqual(DEFAULT_SEVERITIES);
    expect(buildConfig(null).policy.levels).toEqual(DEFAULT_SEVERITIES);
  });

  it('R2: the status page title follows the organization name unless set', () => {
    expect(buildConfig({ organization: { name: 'Example' } }).organization).toMatchObject({ name: 'Example', statusPageTitle: 'Example Status' });
    expect(buildConfig({ organization: { name: 'Example', statusPageTitle: 'Example Health' } }).organization.statusPageTitle).toBe(
      'Example Health',
    );
  });

  it('R2: the contract example parses into the policy it describes', () => {
    const config = buildConfig({
      organization: { name: 'Example', statusPageTitle: 'Example Status' },
      severities: [sev({ escalateTo: ['vp-eng'] })],
      reminders: { dueSoon: '5m', escalateAfter: '15m', roleGap: '5m', postmortemOwed: '24h' },
      components: [{ id: 'checkout', name: 'Checkout', group: 'Storefront' }],
      links: { statusPage: 'https://status.example.com', dashboard: 'https://grafana.example.com' },
    });
    expect(config.policy.levels).toEqual([
      {
        id: 'SEV1',
        name: 'Critical',
        impact: 'Core feature down',
        response: 'All hands',
        updateEveryMs: 30 * 60_000,
        firstUpdateWithinMs: 10 * 60_000,
        finalUpdateWithinMs: 60 * 60_000,
        audience: 'public',
        roles: 'separate',
        postmortem: 'required',
        escalateTo: ['vp-eng'],
        stakeholders: [],
      },
    ]);
    expect(config.reminders).toEqual({ dueSoonMs: 300_000, escalateAfterMs: 900_000, roleGapMs: 300_000, postmortemOwedMs: 86_400_000 });
    expect(config.components).toEqual([{ id: 'checkout', name: 'Checkout', group: 'Storefront', description: null, order: 0 }]);
    expect(config.links).toEqual({ statusPage: 'https://status.example.com', dashboard: 'https://grafana.example.com', runbook: null });
  });

  it('R2: teams set the number of levels; omitting updateEvery means "start and resolution only"', () => {
    const config = buildConfig({
      severities: [sev({ id: 'P1' }), sev({ id: 'P2', updateEvery: '1h30m' }), sev({ id: 'P3', updateEvery: undefined, escalateTo: undefined })],
    });
    expect(config.policy.levels.map((l) => [l.id, l.updateEveryMs, l.escalateTo])).toEqual([
      ['P1', 1_800_000, []],
      ['P2', 5_400_000, []],
      ['P3', null, []],
    ]);
  });

  it('R8: firstUpdateWithin and finalUpdateWithin per severity; unset, a known id takes the playbook\'s window, another its cadence up to 30m', () => {
    const config = buildConfig({
      severities: [
        sev({ firstUpdateWithin: '5m', finalUpdateWithin: '2h' }),
        sev({ id: 'SEV2' }),
        sev({ id: 'P1', updateEvery: '20m' }),
        sev({ id: 'P2', updateEvery: '2h' }),
        sev({ id: 'P3', updateEvery: undefined }),
      ],
    });
    expect(config.policy.levels.map((l) => [l.id, l.firstUpdateWithinMs / 60_000, l.finalUpdateWithinMs / 60_000])).toEqual([
      ['SEV1', 5, 120],
      ['SEV2', 15, 60],
      ['P1', 20, 60],
      ['P2', 30, 60],
      ['P3', 30, 60],
    ]);
    expect(problems({ severities: [sev({ firstUpdateWithin: '30s' })] })).toEqual(['severities[0].firstUpdateWithin: must be at least 1m']);
    expect(problems({ severities: [sev({ finalUpdateWithin: 'soon' })] })[0]).toMatch(/^severities\[0\]\.finalUpdateWithin: /);
  });
});

describe('R2: configuration errors name the bad key', () => {
  it('R2: a bad enum value names its path, like severities[0].audience', () => {
    expect(problems({ severities: [sev({ audience: 'everyone' })] })).toEqual([
      'severities[0].audience: must be one of: public, stakeholders, internal',
    ]);
    expect(problems({ severities: [sev(), sev({ id: 'SEV2', roles: 'solo' })] })).toEqual([
      'severities[1].roles: must be one of: separate, comms-separate, combined',
    ]);
  });

  it('R2: an unknown key is named, at the top level and nested', () => {
    expect(problems({ colour: 'red' })).toEqual(['colour: is not a known key']);
    expect(problems({ organization: { nmae: 'Example' } })).toEqual(['organization.nmae: is not a known key']);
    expect(problems({ severities: [sev({ cadence: '30m' })] })).toEqual(['severities[0].cadence: is not a known key']);
  });

  it('R2: a missing required key of a level is named', () => {
    expect(problems({ severities: [{ id: 'SEV1' }] })[0]).toBe('severities[0].name: is required');
  });

  it('R2: a bad duration names its key, in plain words', () => {
    const plain = 'must be a duration such as 30m, 90s or 1h';
    expect(problems({ reminders: { dueSoon: 'soon' } })).toEqual([`reminders.dueSoon: ${plain}`]);
    expect(problems({ severities: [sev({ updateEvery: '30 minutes' })] })).toEqual([`severities[0].updateEvery: ${plain}`]);
    expect(problems({ reminders: { escalateAfter: '15' } })).toEqual([`reminders.escalateAfter: ${plain}`]);
  });

  it('R2: a cadence shorter than a minute is refused', () => {
    expect(problems({ severities: [sev({ updateEvery: '30s' })] })).toEqual(['severities[0].updateEvery: must be at least 1m']);
    expect(problems({ severities: [sev({ updateEvery: '0m' })] })).toEqual(['severities[0].updateEvery: must be at least 1m']);
  });

  it('R2: duplicate severity ids are refused, naming the duplicate', () => {
    expect(problems({ severities: [sev(), sev({ name: 'Again' })] })).toEqual(['severities[1].id: duplicates SEV1']);
  });

  it('R2: duplicate component ids are refused, naming the duplicate', () => {
    expect(
      problems({
        components: [
          { id: 'checkout', name: 'Checkout' },
          { id: 'payments', name: 'Payments' },
          { id: 'checkout', name: 'Checkout again' },
        ],
      }),
    ).toEqual(['components[2].id: duplicates checkout']);
  });

  it('R2: every problem is reported at once, not just the first', () => {
    expect(problems({ severities: [sev(), sev({ updateEvery: '10s' }), sev({ updateEvery: '5s' })] })).toEqual([
      'severities[1].id: duplicates SEV1',
      'severities[1].updateEvery: must be at least 1m',
      'severities[2].id: duplicates SEV1',
      'severities[2].updateEvery: must be at least 1m',
    ]);
    expect(problems({ colour: 'red', organization: { nmae: 'x' } })).toEqual(
      expect.arrayContaining(['colour: is not a known key', 'organization.nmae: is not a known key']),
    );
  });

  it('R2: an empty severity list, a bad link, a bad handle are each named', () => {
    expect(problems({ severities: [] })).toEqual([expect.stringMatching(/^severities: /)]);
    expect(problems({ links: { statusPage: 'not a url' } })).toEqual([expect.stringMatching(/^links\.statusPage: /)]);
    expect(problems({ severities: [sev({ escalateTo: ['VP Eng'] })] })).toEqual([
      'severities[0].escalateTo[0]: must be a lower-case handle: letters, digits, dot, dash or underscore',
    ]);
  });

  it('R2: a document that is not a mapping is refused as a whole', () => {
    expect(problems('just a string')).toEqual(['(body): must be object']);
  });

  it('R2: the error message names the file and every bad key', () => {
    try {
      buildConfig({ colour: 'red' }, '/etc/incident.config.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe('/etc/incident.config.yaml is not valid:\n  - colour: is not a known key');
      expect((error as ConfigError).source).toBe('/etc/incident.config.yaml');
    }
  });

  it('R2: JSON-pointer paths read as keys', () => {
    expect(keyPath('/severities/0/audience')).toBe('severities[0].audience');
    expect(keyPath('/severities/12/escalateTo/3')).toBe('severities[12].escalateTo[3]');
    expect(keyPath('/links/a~1b~0c')).toBe('links.a/b~c');
    expect(keyPath('')).toBe('');
  });
});

describe('R2: durations in configuration', () => {
  it('R2: durations are strings such as 30m, 90s, 1h, 1h30m', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('250ms')).toBe(250);
  });

  it('R2: anything else is not a duration', () => {
    for (const text of ['', '30', 'm', '30 m', '1.5h', '-5m', '30min', 'h1']) expect(parseDuration(text)).toBeNull();
  });

  it('R2: durations print for humans', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(7_320_000)).toBe('2h 2m');
    expect(formatDuration(90_061_000)).toBe('1d 1h 1m 1s');
    expect(formatDuration(-60_000)).toBe('-1m');
  });
});

describe('chat.mattermost: its own channels', () => {
  it('reads its announce and leadership channels (a leading ~ dropped) and archiveAfter apart from Slack\'s; refuses a name Mattermost would not have', () => {
    const config = buildConfig({ chat: { slack: { announceChannel: 'slack-incidents' }, mattermost: { announceChannel: '~incidents', archiveAfter: '2d' } } });
    expect(config.chat.mattermost).toEqual({ announceChannel: 'incidents', leadershipChannel: null, archiveAfterMs: 2 * 86_400_000 });
    expect(config.chat.slack.announceChannel).toBe('slack-incidents');
    expect(buildConfig({}).chat.mattermost).toEqual({ announceChannel: null, leadershipChannel: null, archiveAfterMs: 7 * 86_400_000 });
    expect(problems({ chat: { mattermost: { announceChannel: 'Incidents Room' } } }).join('\n')).toMatch(/^\/chat\/mattermost\/announceChannel|chat\.mattermost\.announceChannel/);
  });
});
