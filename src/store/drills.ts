/** Drills: each one's script, speed and stored schedule (the next step and when it is due), leased by the drill worker. */
import type { Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { DrillScript } from '../domain/drills/script.js';
import type { Scorecard } from '../domain/drills/scorecard.js';

export interface Drill {
  id: string;
  scriptName: string;
  script: DrillScript;
  speed: number;
  notify: boolean;
  state: 'running' | 'ended';
  startedBy: string;
  startedAt: string;
  alertSource: string;
  nextStep: number;
  nextDueAt: string | null;
  firstAlertAt: string | null;
  incident: number | null;
  endedAt: string | null;
  endedHow: 'resolved' | 'stopped' | null;
  scorecard: Scorecard | null;
}

function toDrill(r: Selectable<Database['drills']>): Drill {
  return {
    id: r.id,
    scriptName: r.script_name,
    script: JSON.parse(r.script) as DrillScript,
    speed: Number(r.speed),
    notify: Number(r.notify) === 1,
    state: r.state,
    startedBy: r.started_by,
    startedAt: r.started_at,
    alertSource: r.alert_source,
    nextStep: Number(r.next_step),
    nextDueAt: r.next_due_at,
    firstAlertAt: r.first_alert_at,
    incident: r.incident === null ? null : Number(r.incident),
    endedAt: r.ended_at,
    endedHow: r.ended_how,
    scorecard: r.scorecard === null ? null : (JSON.parse(r.scorecard) as Scorecard),
  };
}

export class DrillStore {
  constructor(private readonly db: Executor) {}

  async insert(d: Drill): Promise<void> {
    await this.db
      .insertInto('drills')
      .values({
        id: d.id,
        script_name: d.scriptName,
        script: JSON.stringify(d.script),
        speed: d.speed,
        notify: d.notify ? 1 : 0,
        state: d.state,
        started_by: d.startedBy,
        started_at: d.startedAt,
        alert_source: d.alertSource,
        next_step: d.nextStep,
        next_due_at: d.nextDueAt,
        claimed_until: null,
        first_alert_at: null,
        incident: null,
        ended_at: null,
        ended_how: null,
        scorecard: null,
      })
      .execute();
  }

  async get(id: string): Promise<Drill | null> {
    const row = await this.db.selectFrom('drills').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDrill(row) : null;
  }

  /** The latest drills first. */
  async list(limit = 100): Promise<Drill[]> {
    const rows = await this.db.selectFrom('drills').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDrill);
  }

  /** The running drill whose alerts come from `source`, if any. */
  async runningBySource(source: string): Promise<Drill | null> {
    const row = await this.db.selectFrom('drills').selectAll().where('alert_source', '=', source).where('state', '=', 'running').executeTakeFirst();
    return row ? toDrill(row) : null;
  }

  /**
   * Running drills with a step due at `now` and no live lease, leased until `until`: another
   * instance skips them until then, and a crash mid-step lets them be claimed again after it.
   */
  async claimDue(now: string, until: string, limit: number): Promise<Drill[]> {
    const due = this.db
      .selectFrom('drills')
      .select('id')
      .where('state', '=', 'running')
      .where('next_due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_due_at')
      .limit(limit);
    const rows = await this.db
      .updateTable('drills')
      .set({ claimed_until: until })
      .where('id', 'in', due)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returningAll()
      .execute();
    return rows.map(toDrill);
  }

  /** Step `step` is done: the next one is due at `nextDueAt` (null: none left). Answers false when another worker already moved on. */
  async advance(id: string, step: number, nextDueAt: string | null, firstAlertAt: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('drills')
      .set((eb) => ({ next_step: step + 1, next_due_at: nextDueAt, claimed_until: null, first_alert_at: eb.fn.coalesce('first_alert_at', eb.val(firstAlertAt)) }))
      .where('id', '=', id)
      .where('next_step', '=', step)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A step that could not run yet (nothing declared to post on): look again at `retryAt`. */
  async postpone(id: string, retryAt: string): Promise<void> {
    await this.db.updateTable('drills').set({ next_due_at: retryAt, claimed_until: null }).where('id', '=', id).execute();
  }

  async attachIncident(id: string, incident: number): Promise<void> {
    await this.db.updateTable('drills').set({ incident }).where('id', '=', id).where('incident', 'is', null).execute();
  }

  /** Running drills whose incident is no longer active: the trainee resolved it. */
  async resolvedRunning(): Promise<Drill[]> {
    const rows = await this.db
      .selectFrom('drills')
      .innerJoin('incidents', 'incidents.number', 'drills.incident')
      .selectAll('drills')
      .where('drills.state', '=', 'running')
      .where('incidents.phase', '!=', 'active')
      .execute();
    return rows.map(toDrill);
  }

  /** Ends a running drill; false when it had already ended. */
  async end(id: string, how: 'resolved' | 'stopped', at: string, scorecard: Scorecard): Promise<boolean> {
    const result = await this.db
      .updateTable('drills')
      .set({ state: 'ended', ended_how: how, ended_at: at, scorecard: JSON.stringify(scorecard), next_due_at: null, claimed_until: null })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** When the next step of any running drill falls due, or null. */
  async nextDue(): Promise<string | null> {
    const row = await this.db.selectFrom('drills').select((eb) => eb.fn.min('next_due_at').as('due')).where('state', '=', 'running').executeTakeFirst();
    return (row?.due as string | null | undefined) ?? null;
  }
}
