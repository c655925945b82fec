/**
 * Runs drills' scripted steps (README "Drills") from their stored schedule: a pass claims
 * the drills with a step due (leased, so one instance runs each step), plays it, and
 * stores when the next one is due; a restart takes up where the schedule says. Alerts go
 * through the alert inbox like any sender's; SMEs' findings, what they ruled out and a
 * stakeholder's questions go onto the drill's incident through the same command as a
 * person's timeline entry. A drill whose incident the trainee resolved ends here, scored.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Person } from '../domain/people/person.js';
import { DomainError } from '../domain/model/errors.js';
import { stepDueAt, type ScriptStep } from '../domain/drills/script.js';
import type { Store } from '../store/store.js';
import type { Drill } from '../store/drills.js';
import { endDrill } from '../commands/drills.js';
import { runIncidentCommand } from '../commands/incident-command.js';
import type { AlertInbox } from './alert-inbox.js';
import { LoopWorker, WakeLoop } from './wake-loop.js';

/** How long a claimed step is this instance's before another may take it (a crash mid-step). */
const LEASE_MS = 30_000;
/** A voice's line waits for the trainee to declare: looked at again after this (scripted) time. */
const WAIT_FOR_DECLARE_MS = 30_000;

export interface DrillRunnerOptions {
  store: Store;
  config: Config;
  clock: Clock;
  inbox: AlertInbox;
  log?: Pick<FastifyBaseLogger, 'error' | 'info'>;
}

/** A scripted voice acts as itself, marked as the drill's (`drill:<handle>`), never as a real person. */
function voice(drill: Drill, handle: string, at: string): Person {
  const person = drill.script.people.find((p) => p.handle === handle);
  return { handle: `drill:${handle}`, name: person?.name ?? handle, email: null, role: 'responder', chat: {}, createdAt: at, deactivatedAt: null, version: 1 };
}

export class DrillRunner extends LoopWorker {
  protected readonly loop: WakeLoop;

  constructor(private readonly options: DrillRunnerOptions) {
    super();
    // A trainee resolving a drill's incident ends the drill: look at once.
    this.loop = new WakeLoop({ clock: options.clock, maxSleepMs: 5_000, retryMs: 1_000, log: options.log, name: 'drills', pass: () => this.pass(), wakeOn: (listener) => options.store.onIncidentsChanged(listener) });
  }

  /** A drill was started: its first step may be due now. */
  notice(): void {
    this.loop.notice();
  }

  /** One pass: ends the drills whose incident was resolved, plays every due step; answers when the next step is due. */
  async pass(): Promise<string | null> {
    const { store, clock } = this.options;
    for (const drill of await store.drills.resolvedRunning()) {
      await store.transaction(async (tx) => {
        const state = await tx.incidents.load(drill.incident!);
        const at = state && state.phase !== 'active' ? state.resolvedAt : clock.now().toISOString();
        await endDrill(tx, drill, 'resolved', at);
      });
    }
    const now = clock.now();
    const claimed = await store.transaction((tx) => tx.drills.claimDue(now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), 20));
    for (const drill of claimed) {
      if (this.loop.stopped) break;
      await this.play(drill);
    }
    return store.drills.nextDue();
  }

  private async play(drill: Drill): Promise<void> {
    const { store, clock, config, inbox } = this.options;
    const step = drill.script.steps[drill.nextStep];
    const now = clock.now().toISOString();
    if (!step) return void (await store.drills.advance(drill.id, drill.nextStep, null, null));
    const nextDue = drill.nextStep + 1 < drill.script.steps.length ? stepDueAt(drill.script, drill.nextStep + 1, drill.startedAt, drill.speed) : null;
    if (step.kind === 'alert') {
      const source = await store.alertSources.byId(drill.alertSource);
      if (!source) throw new Error(`drill ${drill.id}: its alert source ${drill.alertSource} is gone`);
      // Played twice after a crash, the same dedup key makes it the same alert, not a second one.
      const body = {
        routing_key: 'drill',
        event_action: 'trigger',
        dedup_key: `${drill.id}:${step.dedupKey}`,
        payload: { summary: step.summary, source: `drill ${drill.scriptName}`, severity: step.severity, ...(step.component ? { component: step.component } : {}) },
      };
      await inbox.accept(source, Buffer.from(JSON.stringify(body)));
      inbox.wake();
      await store.drills.advance(drill.id, drill.nextStep, nextDue, now);
      return;
    }
    if (drill.incident === null) {
      await store.drills.postpone(drill.id, new Date(Date.parse(now) + Math.max(250, WAIT_FOR_DECLARE_MS / drill.speed)).toISOString());
      return;
    }
    try {
      await store.transaction((tx) =>
        runIncidentCommand({ tx, config, now, actor: voice(drill, step.as, now) }, drill.incident!, { type: 'AddTimelineEntry', ...entryOf(step) }),
      );
    } catch (error) {
      // The incident is closed or merged: the script goes on without that line.
      if (!(error instanceof DomainError)) throw error;
      this.options.log?.info({ drill: drill.id, step: drill.nextStep, code: error.code }, 'drill step skipped');
    }
    await store.drills.advance(drill.id, drill.nextStep, nextDue, null);
  }
}

function entryOf(step: Extract<ScriptStep, { kind: 'finding' | 'ruled_out' | 'asks' }>): { kind: 'observation' | 'ruled_out' | 'note'; text: string } {
  if (step.kind === 'finding') return { kind: 'observation', text: step.text };
  if (step.kind === 'ruled_out') return { kind: 'ruled_out', text: step.text };
  return { kind: 'note', text: `Stakeholder @${step.as} asks: ${step.text}` };
}
