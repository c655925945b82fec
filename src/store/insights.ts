/** What insights read: the incidents declared in a period and how fast alert groups were acknowledged. */
import { sql } from 'kysely';
import type { Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';

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

  /** Incident numbers declared in [from, to), oldest first. */
  async incidentsDeclared(filter: PeriodFilter): Promise<number[]> {
    // Drills are practice: they never count in insights.
    let query = this.db.selectFrom('incidents').select('number').where('drill', 'is', null).where('declared_at', '>=', filter.from).where('declared_at', '<', filter.to);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    if (!filter.visibleTo.admin) {
      // The quoted handle as the participants JSON array holds it (see IncidentStore.list).
      const quoted = JSON.stringify(filter.visibleTo.handle);
      const position = this.dialect === 'postgres' ? sql<number>`strpos(participants, ${quoted})` : sql<number>`instr(participants, ${quoted})`;
      query = query.where((eb) => eb.or([eb('private', '=', 0), eb(position, '>', 0)]));
    }
    const rows = await query.orderBy('declared_at').orderBy('number').execute();
    return rows.map((r) => Number(r.number));
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
