/** The audit log (admins): newest first, filtered and paged; also as JSON Lines for export. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { actor, type HttpDeps } from '../context.js';
import { ErrorBody, Handle, Time } from '../schemas.js';
import { readAudit } from '../../commands/audit.js';
import { presentAuditEntry } from '../../presenters/api.js';
import type { AuditFilter } from '../../domain/audit/entry.js';

const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Handle),
    action: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}(?:\\.[a-z_]{1,40})?$', description: 'person (every person.* action) or person.updated' })),
    since: Type.Optional(Time),
    until: Type.Optional(Time),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'the previous page\'s next: entries older than it' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

const AuditEntrySchema = Type.Object({
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
  return { actor: query.actor, action: query.action, since: at(query.since), until: at(query.until), before: query.before, limit: query.limit ?? 100 };
}

export async function auditRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: 'The audit log, newest first (admin): every admin action, sign-in, sign-out and refused sign-in; page with before=<next>',
        querystring: AuditQuery,
        response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema), next: Type.Union([Type.Integer(), Type.Null()]) }), '4xx': ErrorBody },
      },
    },
    async (request) => {
      const filter = filterOf(request.query);
      const entries = await readAudit({ tx: deps.store, actor: actor(request) }, filter);
      return { entries: entries.map(presentAuditEntry), next: entries.length === filter.limit ? entries[entries.length - 1]!.id : null };
    },
  );

  app.get(
    '/audit/export',
    {
      schema: {
        tags,
        summary: 'The whole audit log (or what the filters select) as JSON Lines, newest first (admin)',
        querystring: Type.Omit(AuditQuery, ['limit']),
        produces: ['application/x-ndjson'],
        response: { 200: Type.String({ description: 'one JSON object per line' }), '4xx': ErrorBody },
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
