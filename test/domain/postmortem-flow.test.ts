/** Issue 16: the postmortem owed → scheduled → drafting → in review → published, rule by rule. */
import { describe, expect, it } from 'vitest';
import type { CommandOf } from '../../src/domain/model/commands.js';
import { postmortemStage } from '../../src/domain/postmortem/flow.js';
import { declared, given, minutes, refusal, type Incident } from './given.js';

const finalUpdate: CommandOf<'Resolve'> = { type: 'Resolve', impact: 'Checkouts failed for 90 minutes.', whatWeKnow: 'The DB pool ran dry.' };
const REVIEW = '2026-06-09T15:00:00.000Z';
const schedule = (over: Partial<CommandOf<'SchedulePostmortem'>> = {}): CommandOf<'SchedulePostmortem'> => ({
  type: 'SchedulePostmortem',
  owner: 'lee',
  scheduledFor: REVIEW,
  minutes: 45,
  ...over,
});
const save = (baseRevision: number, markdown = '# Postmortem\n\nWhat happened.'): CommandOf<'SavePostmortemDocument'> => ({ type: 'SavePostmortemDocument', markdown, baseRevision });
const review: CommandOf<'RequestPostmortemReview'> = { type: 'RequestPostmortemReview' };
const publish = (over: Partial<CommandOf<'PublishPostmortem'>> = {}): CommandOf<'PublishPostmortem'> => ({ type: 'PublishPostmortem', ...over });

const resolved = (): Incident => given(declared({ severity: 'SEV2' })).after(finalUpdate, { at: minutes(100) });
const scheduled = () => resolved().after(schedule(), { at: minutes(110) });
const drafting = () => scheduled().after(save(0), { by: 'sam', at: minutes(120) });
const inReview = () => drafting().after(review, { by: 'lee', at: minutes(130) });

describe('the postmortem stages', () => {
  it('a resolved SEV2 owes its postmortem; each step moves it on, and its record says so', () => {
    expect(postmortemStage(resolved().state)).toBe('owed');
    expect(postmortemStage(scheduled().state)).toBe('scheduled');
    expect(scheduled().state.postmortemFlow.minutes).toBe(45);
    expect(scheduled().state.phase).toBe('closed');
    expect(postmortemStage(drafting().state)).toBe('drafting');
    expect(drafting().state.postmortemFlow.revision).toBe(1);
    expect(postmortemStage(inReview().state)).toBe('in_review');
    const published = inReview().after(publish({ statusPage: true }), { by: 'lee', at: minutes(140) });
    expect(postmortemStage(published.state)).toBe('published');
    expect(published.state.postmortemFlow).toMatchObject({ publishedAt: minutes(140), publishedRevision: 1, onStatusPage: true });
  });

  it('an incident published at an address before the flow existed reads as published and linked', () => {
    const legacy = resolved().with({ event: { type: 'PostmortemPublished', url: 'https://wiki.example.com/pm/7' } });
    expect(postmortemStage(legacy.state)).toBe('published');
    expect(legacy.state.postmortemFlow.onStatusPage).toBe(true);
    expect(legacy.state.postmortemUrl).toBe('https://wiki.example.com/pm/7');
  });
});

describe('scheduling the review', () => {
  it('records owner, start in UTC and length; the same schedule again changes nothing', () => {
    const decision = resolved().when(schedule({ scheduledFor: '2026-06-09T17:00:00+02:00' }), { at: minutes(110) });
    expect(decision.events).toEqual([{ type: 'PostmortemScheduled', owner: 'lee', scheduledFor: REVIEW, minutes: 45 }]);
    expect(scheduled().when(schedule(), { at: minutes(111) }).events).toEqual([]);
    expect(resolved().when(schedule({ minutes: undefined }), { at: minutes(110) }).events[0]).toMatchObject({ minutes: 60 });
  });

  it('refuses a start that has passed, a missing owner, a bad length — naming the field', () => {
    expect(refusal(() => resolved().when(schedule({ scheduledFor: minutes(50) }), { at: minutes(110) })).details).toMatchObject({ field: 'scheduledFor' });
    expect(refusal(() => resolved().when(schedule({ scheduledFor: 'soon' }))).details).toMatchObject({ field: 'scheduledFor' });
    expect(refusal(() => resolved().when(schedule({ owner: ' ' }))).details).toMatchObject({ field: 'owner' });
    for (const bad of [10, 600, 30.5]) expect(refusal(() => resolved().when(schedule({ minutes: bad }))).details).toMatchObject({ field: 'durationMinutes' });
  });

  it('only the owner, the IC or an admin schedules it', () => {
    expect(refusal(() => resolved().when(schedule(), { by: 'dana' })).code).toBe('NOT_POSTMORTEM_STEWARD');
    expect(scheduled().when(schedule({ scheduledFor: '2026-06-10T15:00:00.000Z' }), { by: 'lee' }).events).toHaveLength(1);
    expect(resolved().when(schedule(), { by: 'root', admin: true }).events).toHaveLength(1);
  });
});

describe('the document', () => {
  it('each save is the next revision; the first one starts drafting', () => {
    expect(scheduled().when(save(0), { by: 'dana' }).events).toEqual([{ type: 'PostmortemDocumentSaved', revision: 1 }]);
    expect(drafting().when(save(1)).events).toEqual([{ type: 'PostmortemDocumentSaved', revision: 2 }]);
  });

  it('an edit started from an older revision is refused with the current one, never silently written over', () => {
    const error = refusal(() => drafting().after(save(1)).when(save(1)));
    expect(error.code).toBe('REVISION_CONFLICT');
    expect(error.details).toMatchObject({ field: 'baseRevision', currentRevision: 2 });
  });

  it('an empty document is refused', () => {
    expect(refusal(() => scheduled().when(save(0, '  \n'))).details).toMatchObject({ field: 'markdown' });
  });

  it('once published it is frozen: no edit, no new date, no owner change', () => {
    const published = inReview().after(publish(), { by: 'lee' });
    expect(refusal(() => published.when(save(1))).code).toBe('POSTMORTEM_PUBLISHED');
    expect(refusal(() => published.when(schedule({ scheduledFor: '2026-06-12T10:00:00.000Z' }))).code).toBe('POSTMORTEM_PUBLISHED');
    expect(refusal(() => published.when({ type: 'AssignPostmortem', owner: 'sam', scheduledFor: REVIEW })).code).toBe('POSTMORTEM_PUBLISHED');
  });
});

describe('review and publishing', () => {
  it('review needs a saved document, a resolved incident, and the owner or IC', () => {
    expect(refusal(() => scheduled().when(review)).details).toMatchObject({ stage: 'scheduled', allowed: ['drafting'] });
    expect(refusal(() => drafting().when(review, { by: 'dana' })).code).toBe('NOT_POSTMORTEM_STEWARD');
    const open = given(declared({ severity: 'SEV2' })).after(schedule({ owner: 'lee' }), { at: minutes(10) }).after(save(0), { at: minutes(11) });
    expect(refusal(() => open.when(review, { by: 'lee' })).code).toBe('INCIDENT_NOT_RESOLVED');
    expect(drafting().when(review, { by: 'lee' }).events).toEqual([{ type: 'PostmortemReviewRequested', revision: 1 }]);
    expect(inReview().when(review, { by: 'lee' }).events).toEqual([]);
  });

  it('publishing the document comes after review; it freezes the reviewed revision', () => {
    expect(refusal(() => drafting().when(publish(), { by: 'lee' })).details).toMatchObject({ stage: 'drafting', allowed: ['in_review'] });
    expect(refusal(() => inReview().when(publish(), { by: 'dana' })).code).toBe('NOT_POSTMORTEM_STEWARD');
    expect(inReview().when(publish(), { by: 'lee' }).events).toEqual([{ type: 'PostmortemPublished', url: null, statusPage: false, revision: 1 }]);
  });

  it('publishing at an address works at any stage after resolving (the first contract), linked unless told not to', () => {
    const url = 'https://wiki.example.com/pm/7';
    expect(resolved().when(publish({ url })).events).toEqual([{ type: 'PostmortemPublished', url, statusPage: true, revision: null }]);
    expect(resolved().when(publish({ url, statusPage: false })).events[0]).toMatchObject({ statusPage: false });
    expect(refusal(() => resolved().when(publish({ url: 'ftp://x' }))).details).toMatchObject({ field: 'url' });
    expect(refusal(() => given(declared()).when(publish({ url }))).code).toBe('INCIDENT_NOT_RESOLVED');
  });

  it('after publishing only the link changes: shown on the status page or taken off it', () => {
    const published = inReview().after(publish(), { by: 'lee' });
    expect(published.when(publish({ statusPage: false }), { by: 'lee' }).events).toEqual([]);
    expect(published.when(publish({ statusPage: true }), { by: 'lee' }).events).toEqual([{ type: 'PostmortemPublished', url: null, statusPage: true, revision: 1 }]);
    const linked = published.after(publish({ statusPage: true }), { by: 'lee', at: minutes(500) });
    expect(linked.state.postmortemFlow).toMatchObject({ publishedAt: published.state.postmortemFlow.publishedAt, onStatusPage: true, publishedRevision: 1 });
  });
});
