/** The audit log (admins): newest first, filtered and paged; also as JSON Lines for export. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { actor, type HttpDeps } from '../context.js';
import { ErrorBody, Handle, Time } from '../schemas.js';
import { answerAs } from '../openapi.js';
import { readAudit } from '../../commands/audit.js';
import { presentAuditEntry } from '../../presenters/api.js';
import type { AuditFilter } from '../../domain/audit/entry.js';
import { DomainError } from '../../domain/model/errors.js';
import { pageOf } from '../../store/keyset.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const AUDIT = paging('audit', ['int']);
const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Handle),
    action: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}(?:\\.[a-z_]{1,40})?$', description: 'person (every person.* action) or person.updated' })),
    since: Type.Optional(Time),
    until: Type.Optional(Time),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'the previous page\'s next: entries older than it (or follow the Link rel="next")' })),
    ...pageQuery(AUDIT),
  },
  { additionalProperties: false },
);

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

const EXPORT_PAGE = 500;

function filterOf(query: Static<typeof AuditQuery>): AuditFilter {
  const at = (text: string | undefined) => (text === undefined ? undefined : new Date(text).toISOString());
  if (query.before !== undefined && query.cursor !== undefined)
    throw new DomainError('VALIDATION_FAILED', 'cursor and before both say where to start; send one of them.', { field: 'cursor', in: 'query' });
  const page = pageRequest(AUDIT, query);
  const before = page.after ? Number(page.after[0]) : query.before;
  return { actor: query.actor, action: query.action, since: at(query.since), until: at(query.until), before, limit: page.limit };
}

export async function auditRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: 'The audit log, newest first (admin): every admin action, sign-in, sign-out and refused sign-in; page with before=<next> or the Link rel="next"',
        querystring: AuditQuery,
        response: {
          200: Type.Object({ entries: Type.Array(AuditEntrySchema), next: Type.Union([Type.Integer(), Type.Null()]) }, pageHeaders),
          '4xx': ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const filter = filterOf(request.query);
      // One more than asked for: whether there is a next page, without an empty last one.
      const rows = await readAudit({ tx: deps.store, actor: actor(request) }, { ...filter, limit: filter.limit + 1 });
      const page = pageOf(rows, { limit: filter.limit, after: null }, (e) => [e.id]);
      const entries = sendPage(request, reply, AUDIT, page);
      return { entries: entries.map(presentAuditEntry), next: page.next ? entries[entries.length - 1]!.id : null };
    },
  );

  app.get(
    '/audit/export',
    {
      schema: {
        tags,
        summary: 'The whole audit log (or what the filters select) as JSON Lines, newest first (admin)',
        querystring: Type.Omit(AuditQuery, ['limit', 'cursor']),
        response: { 200: answerAs('application/x-ndjson', 'One JSON object per line') },
      },
    },
    async (request, reply) => {
      const who = actor(request);
      const filter = { ...filterOf(request.query), limit: EXPORT_PAGE };
      const lines: string[] = [];
      for (;;) {
        const page = await readAudit({ tx: deps.store, actor: who }, filter);
        for (const entry of page) lines.push(JSON.stringify(presentAuditEntry(entry)));
        if (page.length < EXPORT_PAGE) break;
        filter.before = page[page.length - 1]!.id;
      }
      reply.header('content-disposition', 'attachment; filename="audit.jsonl"');
      return reply.type('application/x-ndjson; charset=utf-8').send(lines.length ? `${lines.join('\n')}\n` : '');
    },
  );
}
