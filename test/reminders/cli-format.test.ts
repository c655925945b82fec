/** R8 in the CLI: `incident list` and `incident show` flag an update that is due soon or overdue. */
import { describe, expect, it } from 'vitest';
import { declared, given, minutes } from '../domain/given.js';
import { presentIncident } from '../../src/presenters/api.js';
import { buildConfig } from '../../src/config/load.js';
import { incidentSummary, incidentTable } from '../../src/cli/format.js';
import type { Incident } from '../../src/cli/client.js';

const config = buildConfig({}, 'test');
const sev2 = given(declared({ severity: 'SEV2' })).state; // first update by 14:29
const at = (now: string) => presentIncident(sev2, config, { now }) as unknown as Incident;

describe('R8: the CLI marks due-soon and overdue incidents', () => {
  it('R8: nothing before the lead time, [DUE SOON] within it, [OVERDUE] once the promise passed', () => {
    expect(incidentTable([at(minutes(9))], new Date(minutes(9)))).not.toMatch(/DUE SOON|OVERDUE/);
    expect(incidentTable([at(minutes(11))], new Date(minutes(11)))).toContain('[DUE SOON]');
    const overdue = incidentTable([at(minutes(16))], new Date(minutes(16)));
    expect(overdue).toContain('[OVERDUE]');
    expect(overdue).not.toContain('DUE SOON');
  });

  it('R8: incident show says when the next update is due soon', () => {
    expect(incidentSummary(at(minutes(11)), new Date(minutes(11)))).toContain('Next update by: 2026-06-06 14:29 UTC: DUE SOON (in 4m).');
  });
});
