import type { StatusProcess } from './status-process.js';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError, type Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { Person } from '../domain/people/person.js';
import type { CommandContext } from '../commands/context.js';
import { DomainError } from '../domain/model/errors.js';
import { parseIncidentId } from '../domain/model/ids.js';
import { hashToken } from '../commands/tokens.js';
import type { ChatPort } from '../integrations/chat/port.js';
import type { PagingSecrets } from '../integrations/paging.js';
import type { ActionSigner } from '../integrations/chat/mattermost/interactive.js';
import type { CloudAdapter } from 'botbuilder';
import type { TrackerSettings } from '../integrations/trackers/port.js';

export interface HttpDeps {
  store: Store;
  config: Config;
  clock: Clock;
  /** The server's public address (INCIDENT_PUBLIC_URL; default http://HOST:PORT): links in subscriber mails and the status page's feed and JSON. */
  publicUrl?: string;
  /** INCIDENT_STATUS_EXPORT_DIR: keep a static copy of the status page here, rewritten on every change. */
  statusExportDir?: string | null;
  /** Whether e-mail goes out (SMTP_URL is set); without it the status page offers no e-mail subscription. */
  mailEnabled?: boolean;
  /** The built console (default dist/console; src/http/routes/console.ts). */
  consoleDir?: string;
  /** TRUST_PROXY (trustProxyFrom): a hop count, or the proxies' addresses/CIDRs, whose X-Forwarded-* are believed. */
  trustProxy?: boolean | number | string;
  /** INCIDENT_STATUS_PORT's process: requests it passes on name their client (src/http/status-process.ts). */
  statusProcess?: StatusProcess | null;
  /** Overrides of SERVER_TIMEOUTS (src/http/app.ts), for tests. */
  timeouts?: Partial<{ headersMs: number; requestMs: number; idleMs: number }>;
  /** How often an open realtime stream re-checks its credentials (default 15 s). */
  streamRecheckMs?: number;
  /** Slack (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET): POST /slack/events is served only with it. */
  slack?: { chat: ChatPort; signingSecret: string } | null;
  /** MATTERMOST_COMMAND_TOKEN (with Mattermost on): POST /mattermost/command is served only with it. */
  mattermostCommandToken?: string | null;
  /** With Mattermost on: what POST /mattermost/actions checks dialogs' state and buttons' context with (served only with it). */
  mattermostSigner?: ActionSigner | null;
  /** The Teams bot's Bot Framework adapter (MicrosoftAppId + MicrosoftAppPassword): POST /api/messages is served only with it. */
  teamsAdapter?: CloudAdapter | null;
  /** OIDC_CLIENT_SECRET: the client secret at the OpenID provider (auth.oidc); without it the client authenticates with PKCE alone. */
  oidcClientSecret?: string | null;
  /** Paging secrets (src/integrations/paging.ts): the acknowledgement routes under /api/v1/paging check with them. */
  paging?: PagingSecrets | null;
  /** INCIDENT_METRICS_TOKEN: when set, GET /metrics asks for it as a bearer token. */
  metricsToken?: string | null;
  /** GitHub and Jira (README "Follow-ups"): where follow-ups can be exported, and how often their issues are looked at. */
  trackers?: TrackerSettings | null;
  /** GITHUB_WEBHOOK_SECRET: when set, POST /api/v1/integrations/github/issues takes GitHub's `issues` events. */
  githubWebhookSecret?: string | null;
}

/**
 * TRUST_PROXY: how far to believe X-Forwarded-For (the client's address, for rate limits)
 * and X-Forwarded-Proto. A hop count (`1`: the one proxy in front; its address is the one
 * it appends), or the proxies' addresses/CIDRs (comma-separated); unset trusts none.
 * `true` trusts every hop: any client then picks its own address by sending the header,
 * and so has no rate limit (see trustsEveryone).
 */
export function trustProxyFrom(value: string | undefined): boolean | number | string {
  const text = value?.trim() ?? '';
  if (text === '' || /^(false|no)$/i.test(text)) return false;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^(true|yes)$/i.test(text)) return true;
  for (const entry of text.split(',').map((e) => e.trim())) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!family || !prefixOk || extra !== undefined)
      throw new ConfigError('the environment', [
        { field: 'TRUST_PROXY', problem: `"${entry}" is not an address or CIDR; give a hop count (1), or the proxies' addresses/CIDRs, comma-separated` },
      ]);
  }
  return text;
}

/** Whether a TRUST_PROXY setting believes X-Forwarded-For from anyone (the server warns at start). */
export function trustsEveryone(trust: boolean | number | string): boolean {
  return trust === true || (typeof trust === 'string' && trust.split(',').some((e) => /^(0\.0\.0\.0|::)\/0$/.test(e.trim())));
}

declare module 'fastify' {
  interface FastifyRequest {
    person: Person | null;
  }
}

export async function authenticate(deps: HttpDeps, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match)
    throw new DomainError('UNAUTHENTICATED', 'Send your API token as "Authorization: Bearer <token>".', { field: 'authorization' });
  const now = deps.clock.now().toISOString();
  const holder = await deps.store.people.byToken(hashToken(match[1]!), now);
  if (!holder) throw new DomainError('UNAUTHENTICATED', 'That API token is not valid.', { field: 'authorization' });
  // "Last used" to the minute: written at most once a minute per token, not once per request.
  if (holder.lastUsedAt === null || Date.parse(now) - Date.parse(holder.lastUsedAt) >= 60_000) await deps.store.people.touchToken(holder.tokenId, now);
  request.person = holder.person;
}

export function actor(request: FastifyRequest): Person {
  if (!request.person) throw new DomainError('UNAUTHENTICATED', 'Sign in first.');
  return request.person;
}

/** `INC-7`, `inc-7` or `7` → 7. */
export function incidentNumber(id: string, field = 'id'): number {
  const number = parseIncidentId(id);
  if (number === null) throw new DomainError('VALIDATION_FAILED', `${field} must be an incident id such as INC-7 or 7.`, { field });
  return number;
}

/** `If-Match: "7"` makes a write conditional on the incident still being at version 7. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(header).trim());
  if (!match) throw new DomainError('VALIDATION_FAILED', 'If-Match must be the incident version you last saw, e.g. "7".', { field: 'if-match' });
  return Number(match[1]);
}

/** Routes without a body schema accept any JSON; one nested deeper than the stack is refused, not a 500. */
function serializedBody(body: unknown): string {
  try {
    return JSON.stringify(body ?? null);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'The request body is nested too deeply.', { field: '(body)' });
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs one write in one transaction. With an Idempotency-Key, the first answer is
 * stored in that same transaction, so a retry gets it back and changes nothing.
 */
export async function write(
  deps: HttpDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (ctx: CommandContext) => Promise<{ status: number; body: unknown; replayBody?: unknown }>,
): Promise<void> {
  const person = actor(request);
  const rawKey = request.headers['idempotency-key'];
  const key = rawKey === undefined ? undefined : String(rawKey);
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
    throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 printable characters.', { field: 'idempotency-key' });
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url}\n${serializedBody(request.body)}`)
    .digest('hex');

  const answer = await deps.store.transaction(async (tx) => {
    if (key !== undefined) {
      await tx.idempotency.lock(person.handle, key);
      const prior = await tx.idempotency.get(person.handle, key);
      if (prior) {
        if (prior.fingerprint !== fingerprint)
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request.', {
            field: 'idempotency-key',
          });
        return { status: prior.status, body: prior.body, replayed: true };
      }
    }
    const now = deps.clock.now().toISOString();
    const origin = { address: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
    const result = await work({ tx, config: deps.config, now, actor: person, origin });
    const body = JSON.stringify(result.body);
    // A secret shown once (a new token) is not kept for replays: the replay says it was issued.
    const kept = result.replayBody === undefined ? body : JSON.stringify(result.replayBody);
    if (key !== undefined) await tx.idempotency.put(person.handle, key, { fingerprint, status: result.status, body: kept }, now);
    return { status: result.status, body, replayed: false };
  });
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  reply
    .code(answer.status)
    .type('application/json; charset=utf-8')
    .serializer((payload: unknown) => payload as string)
    .send(answer.body);
}
