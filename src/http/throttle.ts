/**
 * Per-instance memory of refused credentials by client address (rules: src/domain/sessions/throttle.ts).
 * Each instance counts what it refuses; behind a load balancer an address may get a few more
 * tries in all, which does not matter against guessing 256-bit tokens, only against noise.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { DomainError } from '../domain/model/errors.js';
import { DEFAULT_THROTTLE, isStale, noteRefusal, retryAfter, type Attempts, type ThrottleSettings } from '../domain/sessions/throttle.js';

/** Addresses remembered at most: past this the stalest are dropped (an attacker with many addresses is not stopped here anyway). */
const MAX_ADDRESSES = 50_000;

export class SignInThrottle {
  private readonly byAddress = new Map<string, Attempts>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
  ) {}

  /** Refuses with 429 and Retry-After while the request's address is blocked. */
  check(request: FastifyRequest, reply: FastifyReply): void {
    const wait = retryAfter(this.byAddress.get(request.ip), this.now());
    if (wait === null) return;
    reply.header('retry-after', String(wait));
    throw new DomainError('RATE_LIMITED', `Too many refused sign-ins from your address; retry in ${wait} s.`);
  }

  /** Counts a refusal; the first of a burst and the one that blocks are logged and audited, the rest only counted. */
  async refused(request: FastifyRequest, method: 'token' | 'session' | 'oidc'): Promise<void> {
    const now = this.now();
    const { attempts, report } = noteRefusal(this.byAddress.get(request.ip), now, this.settings);
    this.byAddress.delete(request.ip);
    this.byAddress.set(request.ip, attempts);
    this.prune(now);
    if (!report) return;
    const at = new Date(now).toISOString();
    const origin = { address: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
    const action = report === 'burst' ? 'auth.refused' : 'auth.throttled';
    request.log.warn({ address: request.ip, method, failures: attempts.failures }, report === 'burst' ? 'refused credentials' : 'too many refused credentials: address blocked');
    await this.store.audit.append(at, { actor: null, action, target: null, before: null, after: { method, failures: attempts.failures } }, origin);
  }

  private prune(now: number): void {
    if (this.byAddress.size <= MAX_ADDRESSES) return;
    for (const [address, attempts] of this.byAddress) {
      if (this.byAddress.size <= MAX_ADDRESSES && !isStale(attempts, now, this.settings)) break;
      this.byAddress.delete(address);
    }
  }
}
