/** What changed (issue 15, item 5): checking a change event, the room's window and order, the hypothesis. */
import { describe, expect, it } from 'vitest';
import { checkChange, type Change } from '../../src/domain/changes/change.js';
import { changeWindow, changesForIncident } from '../../src/domain/changes/window.js';
import { hypothesisOf, hypothesisText } from '../../src/domain/changes/hypothesis.js';
import { DomainError } from '../../src/domain/model/errors.js';
import type { RecordedEvent } from '../../src/domain/model/events.js';

const NOW = '2026-06-06T14:14:00.000Z';

function refusedField(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.details?.field;
    throw error;
  }
  throw new Error('expected a refusal');
}

const change = (id: string, at: string, components: string[] = [], extra: Partial<Change> = {}): Change => ({
  id,
  summary: `change ${id}`,
  at,
  kind: 'deploy',
  origin: null,
  components,
  links: [],
  customDetails: null,
  sourceId: 'src_000000000001',
  recordedBy: null,
  receivedAt: at,
  dedupKey: id,
  ...extra,
});

describe('a change event is checked', () => {
  it('keeps the summary trimmed, the timestamp in UTC, the kind (other by default) and each component once', () => {
    expect(checkChange({ summary: '  Deployed api  ', timestamp: '2026-06-06T15:40:00+02:00', components: ['checkout', 'checkout', ' search '] }, NOW)).toEqual({
      summary: 'Deployed api',
      at: '2026-06-06T13:40:00.000Z',
      kind: 'other',
      origin: null,
      components: ['checkout', 'search'],
      links: [],
      customDetails: null,
    });
  });

  it('without a timestamp, the change happened when it arrived', () => {
    expect(checkChange({ summary: 'Flag on', kind: 'feature-flag' }, NOW).at).toBe(NOW);
  });

  it('refuses a blank or over-long summary, naming payload.summary', () => {
    expect(refusedField(() => checkChange({ summary: '  ' }, NOW))).toBe('payload.summary');
    expect(refusedField(() => checkChange({ summary: 'x'.repeat(1025) }, NOW))).toBe('payload.summary');
    expect(checkChange({ summary: 'x'.repeat(1024) }, NOW).summary).toHaveLength(1024);
  });

  it('refuses a timestamp that is not a time, or more than five minutes ahead of ours', () => {
    expect(refusedField(() => checkChange({ summary: 'x', timestamp: 'soon' }, NOW))).toBe('payload.timestamp');
    expect(refusedField(() => checkChange({ summary: 'x', timestamp: '2026-06-06T14:19:01Z' }, NOW))).toBe('payload.timestamp');
    expect(checkChange({ summary: 'x', timestamp: '2026-06-06T14:19:00Z' }, NOW).at).toBe('2026-06-06T14:19:00.000Z');
  });

  it('refuses a link that is not http(s), naming which', () => {
    expect(refusedField(() => checkChange({ summary: 'x', links: [{ href: 'https://ci/1' }, { href: 'file:///etc/passwd' }] }, NOW))).toBe('links[1].href');
  });
});

describe("the room's changes", () => {
  it('the window runs from an hour before the impact began to the resolution, or now while open', () => {
    expect(changeWindow({ startedAt: '2026-06-06T14:00:00Z', resolvedAt: null }, NOW)).toEqual({ from: '2026-06-06T13:00:00.000Z', to: NOW });
    expect(changeWindow({ startedAt: '2026-06-06T14:00:00Z', resolvedAt: '2026-06-06T14:10:00.000Z' }, NOW).to).toBe('2026-06-06T14:10:00.000Z');
  });

  it('keeps the window only, marks before/during, puts those on the incident\'s components first, newest first within each', () => {
    const incident = { startedAt: '2026-06-06T14:00:00.000Z', components: ['checkout'] };
    const window = changeWindow({ ...incident, resolvedAt: null }, NOW);
    const listed = changesForIncident(
      [
        change('a', '2026-06-06T12:59:59.000Z', ['checkout']),
        change('b', '2026-06-06T13:00:00.000Z', ['checkout']),
        change('c', '2026-06-06T13:50:00.000Z'),
        change('d', '2026-06-06T14:05:00.000Z', ['search']),
        change('e', '2026-06-06T14:06:00.000Z', ['search', 'checkout']),
        change('f', '2026-06-06T14:14:01.000Z', ['checkout']),
      ],
      incident,
      window,
    );
    expect(listed.map((c) => [c.change.id, c.when, c.touchesIncident])).toEqual([
      ['e', 'during', true],
      ['b', 'before', true],
      ['d', 'during', false],
      ['c', 'before', false],
    ]);
  });

  it('an incident without components marks none first', () => {
    const incident = { startedAt: '2026-06-06T14:00:00.000Z', components: [] };
    const listed = changesForIncident([change('a', '2026-06-06T13:30:00.000Z', ['checkout'])], incident, changeWindow({ ...incident, resolvedAt: null }, NOW));
    expect(listed.map((c) => c.touchesIncident)).toEqual([false]);
  });
});

describe('a change as a hypothesis', () => {
  it('says what, what kind, when, where and from what', () => {
    expect(hypothesisText(change('a', '2026-06-06T13:40:00.000Z', ['checkout'], { summary: 'Deployed checkout-api v2.14.0', origin: 'argocd' }))).toBe(
      'Suspect deploy at 13:40 UTC on checkout, from argocd: Deployed checkout-api v2.14.0',
    );
    expect(hypothesisText(change('b', '2026-06-06T13:55:00.000Z', [], { kind: 'batch-job', summary: 'Nightly reconciliation' }))).toBe(
      'Suspect batch job at 13:55 UTC: Nightly reconciliation',
    );
  });

  it('is found again by the change it names, so a second click adds nothing', () => {
    const entry = (seq: number, changeId?: string): RecordedEvent => ({
      incident: 1,
      seq,
      actor: 'alex',
      recordedAt: NOW,
      event: { type: 'TimelineEntryAdded', kind: 'hypothesis', text: 't', occurredAt: NOW, corrects: null, ...(changeId ? { change: changeId } : {}) },
    });
    const events = [entry(2), entry(3, 'chg_a'), entry(4, 'chg_b')];
    expect(hypothesisOf(events, 'chg_b')?.seq).toBe(4);
    expect(hypothesisOf(events, 'chg_c')).toBeNull();
  });
});
