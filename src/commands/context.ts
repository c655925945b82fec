import type { Config } from '../config/load.js';
import type { Repository } from '../store/repository.js';
import type { Person } from '../domain/people/person.js';
import type { AuditOrigin } from '../domain/audit/entry.js';

/** What every command runs with: the open transaction, the policy in force, the time, and who asks. */
export interface CommandContext {
  tx: Repository;
  config: Config;
  now: string;
  actor: Person;
  /** Where the request came from, for the audit log (absent outside HTTP). */
  origin?: AuditOrigin;
}
