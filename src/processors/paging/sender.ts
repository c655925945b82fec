/**
 * Sends the queued pages (src/store/pages.ts): each claimed with a lease, sent with its
 * tool's credentials (Opsgenie's `GenieKey`, the webhook's Standard Webhooks signature, its
 * `webhook-id` the delivery's, so a receiver deduplicates a resend), and retried with
 * exponential backoff when the tool throttles (429), fails (5xx) or does not answer. Any
 * other refusal (400 for a malformed event, 401/403 for a wrong key, 404 for an Opsgenie
 * alert already gone) is not retried: it would be refused again. Woken by commits that
 * queue pages; sleeps until the next retry is due.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LoopWorker, WakeLoop } from '../wake-loop.js';
import type { Clock } from '../../domain/model/time.js';
import type { Store } from '../../store/store.js';
import type { PageDelivery } from '../../store/pages.js';
import { pageRetryable } from '../../domain/notifications/pages.js';
import { webhookHeaders, type WebhookSender } from '../../integrations/webhook.js';
import type { PagingSecrets } from '../../integrations/paging.js';

export interface PageSenderOptions {
  store: Store;
  clock: Clock;
  /** The HTTP port (src/integrations/webhook.ts): the same timeouts and target checks as webhooks. */
  http: WebhookSender;
  secrets: PagingSecrets;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
  /** The first retry's delay; each later one doubles it (capped at an hour). */
  backoffMs?: number;
  leaseMs?: number;
}

export interface PageOutcome {
  page: PageDelivery;
  statusCode: number | null;
  error: string | null;
  retryAt: string | null;
}

const MAX_BACKOFF_MS = 3_600_000;
const BATCH = 20;

export class PageSender extends LoopWorker {
  protected readonly loop: WakeLoop;

  constructor(private readonly options: PageSenderOptions) {
    super();
    this.loop = new WakeLoop({
      clock: options.clock,
      maxSleepMs: 30_000,
      retryMs: 2_000,
      log: options.log,
      name: 'paging',
      pass: async () => {
        await this.tick();
        return options.store.pages.nextWake();
      },
      wakeOn: (listener) => options.store.onNotificationQueued(listener),
    });
  }

  /** Called after each attempt (tests listen). */
  onAttempt: ((outcome: PageOutcome) => void) | null = null;

  /** Sends every page due now; answers the attempts (tests drive it). */
  async tick(): Promise<PageOutcome[]> {
    const outcomes: PageOutcome[] = [];
    for (;;) {
      const now = this.options.clock.now();
      const claimed = await this.options.store.pages.claimDue(now.toISOString(), new Date(now.getTime() + (this.options.leaseMs ?? 60_000)).toISOString(), BATCH);
      outcomes.push(...(await Promise.all(claimed.map((page) => this.attempt(page)))));
      if (claimed.length < BATCH || this.loop.stopped) return outcomes;
    }
  }

  private headers(page: PageDelivery): Record<string, string> {
    const { secrets, clock } = this.options;
    switch (page.provider) {
      case 'pagerduty':
        return { 'content-type': 'application/json' };
      case 'opsgenie':
        return { 'content-type': 'application/json', authorization: `GenieKey ${secrets.opsgenieApiKey ?? ''}` };
      case 'webhook':
        return webhookHeaders([secrets.webhookSecret ?? ''], `page_${page.id}`, Math.floor(clock.now().getTime() / 1000), page.body);
    }
  }

  private async attempt(page: PageDelivery): Promise<PageOutcome> {
    const result = await this.options.http.send({ url: page.url, headers: this.headers(page), body: page.body });
    const error = result.error ?? (result.statusCode !== null && result.statusCode >= 200 && result.statusCode <= 299 ? null : `HTTP ${result.statusCode}`);
    const retryAt =
      error !== null && page.remaining > 0 && pageRetryable(result.statusCode)
        ? new Date(this.options.clock.now().getTime() + Math.min(MAX_BACKOFF_MS, (this.options.backoffMs ?? 10_000) * 2 ** page.attempts)).toISOString()
        : null;
    try {
      await this.options.store.pages.recordAttempt(page, error, retryAt);
    } catch (failure) {
      // Not recorded: the lease runs out and the page is sent again (PagerDuty and Opsgenie deduplicate by key, the webhook by id).
      this.options.log?.error({ err: failure, page: page.id }, 'page attempt could not be recorded; it will be retried');
    }
    if (error !== null) this.options.log?.warn({ page: page.id, provider: page.provider, key: page.key, error, retryAt }, 'page failed');
    const outcome = { page, statusCode: result.statusCode, error, retryAt };
    this.onAttempt?.(outcome);
    return outcome;
  }
}
