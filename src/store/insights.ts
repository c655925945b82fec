/** What insights read: the incidents declared in a period and how fast alert groups were acknowledged. */
import { sql } from 'kysely';
import type { Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { FollowUpState } from '../domain/follow-ups/follow-up.js';

export interface PeriodFilter {
  from: string;
  to: string;
  severity: string | null;
  /** Leaves out private incidents this person is not in (unless an admin). */
  visibleTo: { handle: string; admin: boolean };
}

export class InsightsStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /** Where the handle is among an incident's participants (> 0), as the participants JSON array holds it (see IncidentStore.list). */
  private participates(handle: string, column: 'participants' | 'incidents.participants') {
    const quoted = JSON.stringify(handle);
    const at = sql.ref(column);
    return this.dialect === 'postgres' ? sql<number>`strpos(${at}, ${quoted})` : sql<number>`instr(${at}, ${quoted})`;
  }

  /** Incident numbers declared in [from, to), oldest first. */
  async incidentsDeclared(filter: PeriodFilter): Promise<number[]> {
    // Drills are practice: they never count in insights.
    let query = this.db.selectFrom('incidents').select('number').where('drill', 'is', null).where('declared_at', '>=', filter.from).where('declared_at', '<', filter.to);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    if (!filter.visibleTo.admin) query = query.where((eb) => eb.or([eb('private', '=', 0), eb(this.participates(filter.visibleTo.handle, 'participants'), '>', 0)]));
    const rows = await query.orderBy('declared_at').orderBy('number').execute();
    return rows.map((r) => Number(r.number));
  }

  /**
   * Follow-ups that may count in the period: opened before its end and not closed before
   * its start; of incidents of the severity asked for, never drills', private ones only
   * for those who may see them.
   */
  async followUps(filter: PeriodFilter): Promise<{ state: FollowUpState; due: string; createdAt: string; closedAt: string | null }[]> {
    let query = this.db
      .selectFrom('follow_ups')
      .innerJoin('incidents', 'incidents.number', 'follow_ups.incident')
      .select(['follow_ups.state', 'follow_ups.due', 'follow_ups.created_at', 'follow_ups.closed_at'])
      .where('incidents.drill', 'is', null)
      .where('follow_ups.created_at', '<', filter.to)
      .where((eb) => eb.or([eb('follow_ups.closed_at', 'is', null), eb('follow_ups.closed_at', '>=', filter.from)]));
    if (filter.severity) query = query.where('incidents.severity', '=', filter.severity);
    if (!filter.visibleTo.admin) query = query.where((eb) => eb.or([eb('incidents.private', '=', 0), eb(this.participates(filter.visibleTo.handle, 'incidents.participants'), '>', 0)]));
    const rows = await query.execute();
    return rows.map((r) => ({ state: r.state as FollowUpState, due: r.due, createdAt: r.created_at, closedAt: r.closed_at }));
  }

  /** Seconds from first alert to acknowledgement of the groups first seen in [from, to); with `incidents`, only groups declared as one of them. */
  async acknowledgeSeconds(from: string, to: string, incidents: readonly number[] | null): Promise<number[]> {
    if (incidents?.length === 0) return [];
    let query = this.db
      .selectFrom('alert_groups')
      .select('seconds_to_acknowledge')
      .where('first_seen_at', '>=', from)
      .where('first_seen_at', '<', to)
      .where('seconds_to_acknowledge', 'is not', null)
      .where('source', 'not in', this.db.selectFrom('drills').select('alert_source'));
    if (incidents) query = query.where('incident', 'in', [...incidents]);
    const rows = await query.execute();
    return rows.map((r) => Number(r.seconds_to_acknowledge));
  }
}
