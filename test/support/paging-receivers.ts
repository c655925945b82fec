/**
 * Local stand-ins (node:http on 127.0.0.1) for the paging tools, each checking a request
 * against what the tool documents, independently of the code under test, and answering as
 * it does:
 *
 * - PagerDuty Events API v2, `POST /v2/enqueue`: routing_key (32 characters), event_action
 *   (trigger | acknowledge | resolve), dedup_key (≤255; required but for a trigger), and for a
 *   trigger a payload with summary (≤1024), source, severity (critical | error | warning |
 *   info), an ISO-8601 timestamp, optional custom_details, and links of {href, text}.
 *   Valid: 202 `{status: "success", message: "Event processed", dedup_key}`; else 400.
 * - Opsgenie Alert API: `POST /v2/alerts` with `Authorization: GenieKey <key>`, message
 *   (required, ≤130), alias (≤512), description (≤15000), responders ({type: team | user |
 *   escalation | schedule} with id, name or username; ≤50), tags (≤20, each ≤50), details (a
 *   string map), entity (≤512), source (≤100), priority (P1–P5); `POST
 *   /v2/alerts/{alias}/close?identifierType=alias`. Valid: 202 `{result, took, requestId}`;
 *   wrong key 401 (GenieKey), else 422.
 * - Anything else (`/hook`): our paging webhook, its Standard Webhooks signature checked.
 *
 * `failures` scripts the next answers (429, 503…) per tool before a good one.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';

export interface PagingRequest {
  tool: 'pagerduty' | 'opsgenie' | 'webhook';
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** What the receiver found wrong with it (empty: as documented). */
  problems: string[];
  status: number;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isString = (v: unknown, max: number, required = false) => (v === undefined ? !required : typeof v === 'string' && v.length > 0 && v.length <= max);

function pagerDutyProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32) problems.push('routing_key must be 32 characters');
  if (!['trigger', 'acknowledge', 'resolve'].includes(body.event_action as string)) problems.push('event_action');
  if (!isString(body.dedup_key, 255, body.event_action !== 'trigger')) problems.push('dedup_key');
  if (body.event_action === 'trigger') {
    const p = body.payload as Record<string, unknown> | undefined;
    if (!p || typeof p !== 'object') problems.push('payload');
    else {
      if (!isString(p.summary, 1024, true)) problems.push('payload.summary');
      if (!isString(p.source, 255, true)) problems.push('payload.source');
      if (!['critical', 'error', 'warning', 'info'].includes(p.severity as string)) problems.push('payload.severity');
      if (p.timestamp !== undefined && !(typeof p.timestamp === 'string' && ISO.test(p.timestamp))) problems.push('payload.timestamp');
      if (p.custom_details !== undefined && (typeof p.custom_details !== 'object' || p.custom_details === null)) problems.push('payload.custom_details');
    }
    const links = body.links;
    if (links !== undefined && !(Array.isArray(links) && links.every((l) => typeof (l as { href?: unknown }).href === 'string'))) problems.push('links');
  }
  return problems;
}

function opsgenieProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isString(body.message, 130, true)) problems.push('message');
  for (const [field, max] of [['alias', 512], ['description', 15000], ['entity', 512], ['source', 100]] as const) if (!isString(body[field], max)) problems.push(field);
  const responders = body.responders;
  if (
    responders !== undefined &&
    !(
      Array.isArray(responders) &&
      responders.length <= 50 &&
      responders.every((r: Record<string, unknown>) => ['team', 'user', 'escalation', 'schedule'].includes(r.type as string) && [r.id, r.name, r.username].some((v) => typeof v === 'string' && v.length > 0))
    )
  )
    problems.push('responders');
  const tags = body.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.length <= 20 && tags.every((t) => isString(t, 50, true)))) problems.push('tags');
  const details = body.details;
  if (details !== undefined && !(details && typeof details === 'object' && Object.values(details).every((v) => typeof v === 'string'))) problems.push('details');
  if (body.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(body.priority as string)) problems.push('priority');
  return problems;
}

export class PagingReceivers {
  readonly requests: PagingRequest[] = [];
  readonly failures: Record<PagingRequest['tool'], number[]> = { pagerduty: [], opsgenie: [], webhook: [] };
  private server: Server | null = null;
  base = '';

  constructor(
    readonly genieKey: string,
    readonly webhookSecret: string,
  ) {}

  of(tool: PagingRequest['tool']): PagingRequest[] {
    return this.requests.filter((r) => r.tool === tool);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const tool: PagingRequest['tool'] = url.pathname === '/v2/enqueue' ? 'pagerduty' : url.pathname.startsWith('/v2/alerts') ? 'opsgenie' : 'webhook';
        let body: Record<string, unknown> = {};
        const problems: string[] = [];
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          problems.push('not JSON');
        }
        if (req.headers['content-type'] !== 'application/json') problems.push('content-type');
        let status = 202;
        let answer: unknown;
        if (tool === 'pagerduty') {
          problems.push(...pagerDutyProblems(body));
          answer = problems.length ? { status: 'invalid event', message: 'Event object is invalid', errors: problems } : { status: 'success', message: 'Event processed', dedup_key: body.dedup_key };
        } else if (tool === 'opsgenie') {
          const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
          if (req.headers.authorization !== `GenieKey ${this.genieKey}`) status = 401;
          if (close) {
            if (url.searchParams.get('identifierType') !== 'alias') problems.push('identifierType');
            if (!isString(body.note, 25000) || !isString(body.source, 100)) problems.push('close body');
          } else if (url.pathname === '/v2/alerts') problems.push(...opsgenieProblems(body));
          else problems.push('path');
          answer = { result: 'Request will be processed', took: 0.01, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120' };
        } else {
          const [id, timestamp, signature] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => String(req.headers[h] ?? ''));
          const key = Buffer.from(this.webhookSecret.replace(/^whsec_/, ''), 'base64');
          const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest('base64')}`;
          if (!signature?.split(' ').includes(expected)) problems.push('signature');
          status = 200;
        }
        if (problems.length && status !== 401) status = tool === 'opsgenie' ? 422 : 400;
        const scripted = this.failures[tool].shift();
        if (scripted !== undefined) status = scripted;
        this.requests.push({ tool, path: url.pathname + url.search, headers: req.headers, body, problems, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {}));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.base = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
