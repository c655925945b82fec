import { describe, expect, it } from 'vitest';
import type { CommandOf } from '../../src/domain/model/commands.js';
import { DEFAULT_SEVERITIES, type SeverityPolicy } from '../../src/domain/model/policy.js';
import { renderUpdateMarkdown, renderUpdateText, updateHeader } from '../../src/presenters/status-update.js';
import { codes, declared, given, minutes, refusal } from './given.js';

const seed = {
  impact: '~30% of checkout attempts failing with a 500 error.\nBrowsing, cart, and account features are unaffected.',
  whatWeKnow: 'Errors began at 14:14 after a batch job exhausted the\nDB connection pool. We’re isolating the job now.',
  nextStep: 'Throttle the batch job and add pool headroom.',
};

function update(fields: Partial<CommandOf<'PostUpdate'>> = {}): CommandOf<'PostUpdate'> {
  return { type: 'PostUpdate', status: 'investigating', ...seed, ...fields };
}

describe('R7: every status update has the same fields', () => {
  it('R7: an update with every field is posted, promising the next one', () => {
    const decision = given(declared({ severity: 'SEV2' })).when(update({ nextUpdateBy: minutes(46) }), { by: 'priya', at: minutes(18) });
    expect(decision).toEqual({
      events: [{ type: 'StatusUpdatePosted', status: 'investigating', ...seed, nextUpdateBy: minutes(46), audience: 'public' }],
      warnings: [],
    });
  });

  for (const [field, label] of [
    ['impact', 'Impact'],
    ['whatWeKnow', 'What we know'],
    ['nextStep', 'Next step'],
  ] as const) {
    it(`R7: "${label}" is required: a missing field is an error, not a blank`, () => {
      const incident = given(declared());
      for (const value of ['', '   ', '\n\t']) {
        const error = refusal(() => incident.when(update({ [field]: value })));
        expect(error.code).toBe('VALIDATION_FAILED');
        expect(error.details).toEqual({ field });
        expect(error.message).toContain(label);
      }
    });
  }

  it('R7: a null or absent next step is refused too', () => {
    const incident = given(declared());
    expect(refusal(() => incident.when(update({ nextStep: null }))).details).toEqual({ field: 'nextStep' });
    const withoutNextStep: CommandOf<'PostUpdate'> = { type: 'PostUpdate', status: 'identified', impact: seed.impact, whatWeKnow: seed.whatWeKnow };
    expect(refusal(() => incident.when(withoutNextStep)).details).toEqual({ field: 'nextStep' });
  });

  it('R7: fields are trimmed', () => {
    const decision = given(declared()).when(update({ impact: '  Checkout failing  ', nextStep: ' Throttle \n' }));
    expect(decision.events[0]).toMatchObject({ impact: 'Checkout failing', nextStep: 'Throttle' });
  });

  it('R7: "resolved" is not an update status: resolving goes through resolve', () => {
    const error = refusal(() => given(declared()).when(update({ status: 'resolved' })));
    expect(error.code).toBe('USE_RESOLVE');
    expect(error.details).toEqual({ field: 'status' });
  });

  it('R7: a resolved incident takes no more updates', () => {
    const incident = given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false });
    expect(refusal(() => incident.when(update())).code).toBe('INCIDENT_NOT_OPEN');
  });
});

describe('R7: every update but the final one carries "next update by"', () => {
  it('R7: omitted, it defaults to now + the severity cadence (SEV2: 60 minutes)', () => {
    const decision = given(declared({ severity: 'SEV2' })).when(update(), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(78) });
    expect(decision.warnings).toEqual([]);
  });

  it('R7: omitted, it defaults to now + the severity cadence (SEV1: 30 minutes)', () => {
    const decision = given(declared({ severity: 'SEV1' })).when(update({ nextUpdateBy: null }), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(48) });
  });

  it('R7: the cadence is the current severity’s, after a change', () => {
    const incident = given(declared({ severity: 'SEV2' }), {
      type: 'SeverityChanged',
      from: 'SEV2',
      to: 'SEV1',
      reason: 'Worse',
      nextUpdateBy: minutes(31),
    });
    expect(incident.when(update(), { at: minutes(10) }).events[0]).toMatchObject({ nextUpdateBy: minutes(40) });
  });

  it('R7: the cadence comes from the configured policy', () => {
    const custom: SeverityPolicy = { levels: [{ ...DEFAULT_SEVERITIES[1]!, updateEveryMs: 20 * 60_000 }] };
    const decision = given(declared({ severity: 'SEV2' })).when(update(), { at: minutes(18), policy: custom });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(38) });
  });

  it('R7: SEV3 has no cadence: without a time, the next update is at resolution (null)', () => {
    const decision = given(declared({ severity: 'SEV3' })).when(update(), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: null });
    expect(decision.warnings).toEqual([]);
  });

  it('R8: without a cadence, a monitoring update owes the final one within finalUpdateWithin (SEV3: an hour)', () => {
    const incident = given(declared({ severity: 'SEV3' })).after(update(), { at: minutes(5) });
    expect(incident.when(update({ status: 'monitoring' }), { at: minutes(18) }).events[0]).toMatchObject({ nextUpdateBy: minutes(78) });
    expect(incident.when(update({ status: 'identified' }), { at: minutes(18) }).events[0]).toMatchObject({ nextUpdateBy: null });
  });

  it('R8: with a cadence, a monitoring update promises the next on the cadence as any other', () => {
    expect(given(declared({ severity: 'SEV2' })).when(update({ status: 'monitoring' }), { at: minutes(18) }).events[0]).toMatchObject({
      nextUpdateBy: minutes(78),
    });
  });

  it('R7: SEV3 may still promise a time, however far, without a warning', () => {
    const decision = given(declared({ severity: 'SEV3' })).when(update({ nextUpdateBy: minutes(600) }), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(600) });
    expect(decision.warnings).toEqual([]);
  });

  it('R7: a time within the cadence is accepted as given, without a warning', () => {
    const decision = given(declared({ severity: 'SEV2' })).when(update({ nextUpdateBy: minutes(78) }), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(78) });
    expect(decision.warnings).toEqual([]);
  });

  it('R7: a time later than the cadence allows is accepted with a warning', () => {
    const decision = given(declared({ severity: 'SEV2' })).when(update({ nextUpdateBy: minutes(78, 1) }), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(78, 1) });
    expect(codes(decision)).toEqual(['NEXT_UPDATE_BEYOND_CADENCE']);
    expect(decision.warnings[0]!.message).toContain('1h');
  });

  it('R7: a time in the past is refused', () => {
    const error = refusal(() => given(declared()).when(update({ nextUpdateBy: minutes(10) }), { at: minutes(18) }));
    expect(error.code).toBe('NEXT_UPDATE_IN_PAST');
    expect(error.details).toEqual({ field: 'nextUpdateBy' });
    expect(error.message).toContain('14:32 UTC');
  });

  it('R7: "now" is not a next update time either', () => {
    expect(refusal(() => given(declared()).when(update({ nextUpdateBy: minutes(18) }), { at: minutes(18) })).code).toBe('NEXT_UPDATE_IN_PAST');
  });

  it('R7: a next update time that is not a time is refused, not a crash', () => {
    const error = refusal(() => given(declared()).when(update({ nextUpdateBy: 'in a bit' }), { at: minutes(18) }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'nextUpdateBy' });
  });

  it('R7: a next update time with an offset is stored in UTC', () => {
    const decision = given(declared()).when(update({ nextUpdateBy: '2026-06-06T17:00:00+02:00' }), { at: minutes(18) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(46) });
  });

  it('R7: posting moves the incident’s promise to the new time', () => {
    const state = given(declared()).after(update({ nextUpdateBy: minutes(46) }), { by: 'priya', at: minutes(18) }).state;
    expect(state.nextUpdateBy).toBe(minutes(46));
  });
});

describe('R7: audience', () => {
  it('R7: SEV1 and SEV2 updates are public by default', () => {
    expect(given(declared({ severity: 'SEV1' })).when(update()).events[0]).toMatchObject({ audience: 'public' });
    expect(given(declared({ severity: 'SEV2' })).when(update()).events[0]).toMatchObject({ audience: 'public' });
  });

  it('R7: SEV3 updates are internal by default', () => {
    expect(given(declared({ severity: 'SEV3' })).when(update()).events[0]).toMatchObject({ audience: 'internal' });
  });

  it('R7: a private incident’s updates are internal by default, whatever the severity', () => {
    expect(given(declared({ severity: 'SEV1', private: true })).when(update()).events[0]).toMatchObject({ audience: 'internal' });
  });

  it('R7: a severity whose audience is stakeholders defaults to internal (stakeholders only)', () => {
    const custom: SeverityPolicy = { levels: [{ ...DEFAULT_SEVERITIES[1]!, audience: 'stakeholders' }] };
    expect(given(declared()).when(update(), { policy: custom }).events[0]).toMatchObject({ audience: 'internal' });
  });

  it('R7: the poster may choose the audience', () => {
    expect(given(declared({ severity: 'SEV1' })).when(update({ audience: 'internal' })).events[0]).toMatchObject({ audience: 'internal' });
    expect(given(declared({ severity: 'SEV3' })).when(update({ audience: 'public' })).events[0]).toMatchObject({ audience: 'public' });
  });

  it('R7: an internal update does not replace the last public one', () => {
    const state = given(declared())
      .after(update({ impact: 'Public words' }), { by: 'priya', at: minutes(18) })
      .after(update({ impact: 'Internal words', audience: 'internal' }), { by: 'priya', at: minutes(30) })
      .state;
    expect(state.lastUpdate).toMatchObject({ impact: 'Internal words', audience: 'internal', postedAt: minutes(30), postedBy: 'priya' });
    expect(state.lastPublicUpdate).toMatchObject({ impact: 'Public words', audience: 'public', postedAt: minutes(18) });
    expect(state.firstUpdateAt).toBe(minutes(18));
  });
});

describe('R7: status', () => {
  it('R7: a different status emits StatusChanged after the update', () => {
    const decision = given(declared()).when(update({ status: 'identified' }));
    expect(decision.events.map((e) => e.type)).toEqual(['StatusUpdatePosted', 'StatusChanged']);
    expect(decision.events[1]).toEqual({ type: 'StatusChanged', from: 'investigating', to: 'identified' });
  });

  it('R7: the same status emits no StatusChanged', () => {
    expect(given(declared()).when(update({ status: 'investigating' })).events.map((e) => e.type)).toEqual(['StatusUpdatePosted']);
  });

  it('R7: the status moves with each update, and may move back', () => {
    const incident = given(declared())
      .after(update({ status: 'identified' }), { at: minutes(10) })
      .after(update({ status: 'monitoring' }), { at: minutes(20) });
    expect(incident.state.status).toBe('monitoring');
    expect(incident.when(update({ status: 'identified' }), { at: minutes(25) }).events[1]).toEqual({
      type: 'StatusChanged',
      from: 'monitoring',
      to: 'identified',
    });
  });
});

describe('R7: the status update template', () => {
  it('R7: the rendered Markdown matches the seed template exactly', () => {
    const state = given(declared({ severity: 'SEV2', title: 'Checkout errors' }))
      .after(update({ nextUpdateBy: minutes(46) }), { by: 'priya', at: minutes(18) })
      .state;
    expect(renderUpdateMarkdown(state.title, state.lastUpdate!)).toBe(
      [
        '**[SEV2] Checkout errors, UPDATE 14:32 UTC**',
        'Status: Investigating',
        'Impact: ~30% of checkout attempts failing with a 500 error.',
        'Browsing, cart, and account features are unaffected.',
        'What we know:',
        'Errors began at 14:14 after a batch job exhausted the',
        'DB connection pool. We’re isolating the job now.',
        'Next step: Throttle the batch job and add pool headroom.',
        'Next update: by 15:00 UTC (or sooner if status changes).',
        '',
      ].join('\n'),
    );
  });

  it('R7: plain text is the same without the bold', () => {
    const state = given(declared()).after(update({ nextUpdateBy: minutes(46) }), { at: minutes(18) }).state;
    const text = renderUpdateText(state.title, state.lastUpdate!);
    expect(text.split('\n')[0]).toBe('[SEV2] Checkout errors, UPDATE 14:32 UTC');
    expect(text.split('\n').slice(1)).toEqual(renderUpdateMarkdown(state.title, state.lastUpdate!).split('\n').slice(1));
  });

  it('R7: the fields come in the same order every time', () => {
    const state = given(declared()).after(update({ status: 'monitoring', impact: 'i', whatWeKnow: 'w', nextStep: 'n' }), { at: minutes(18) }).state;
    expect(renderUpdateMarkdown(state.title, state.lastUpdate!).split('\n').map((l) => l.split(':')[0])).toEqual([
      '**[SEV2] Checkout errors, UPDATE 14',
      'Status',
      'Impact',
      'What we know',
      'w',
      'Next step',
      'Next update',
      '',
    ]);
  });

  it('R7: the header shows the severity at the time of posting', () => {
    const state = given(declared({ severity: 'SEV2' }), { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Worse', nextUpdateBy: minutes(31) })
      .after(update(), { at: minutes(18) })
      .state;
    expect(updateHeader(state.title, state.lastUpdate!)).toBe('[SEV1] Checkout errors, UPDATE 14:32 UTC');
  });

  it('R7: with no cadence (SEV3) the next update is at resolution', () => {
    const state = given(declared({ severity: 'SEV3' })).after(update(), { at: minutes(18) }).state;
    expect(renderUpdateMarkdown(state.title, state.lastUpdate!).split('\n').at(-2)).toBe(
      'Next update: at resolution (or sooner if status changes).',
    );
  });
});
