/** Insights (issue 16, item 1): how incidents went over a period, as JSON and as CSV. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { actor, type HttpDeps } from '../context.js';
import { Time } from '../schemas.js';
import { answerAs } from '../openapi.js';
import { readInsights } from '../../commands/insights.js';
import { insightsCsv, presentInsights } from '../../presenters/insights.js';
import { DomainError } from '../../domain/model/errors.js';
import type { InsightsQuery } from '../../domain/insights/report.js';

const DEFAULT_PERIOD_MS = 90 * 86_400_000;

const Query = Type.Object(
  {
    from: Type.Optional({ ...Time, description: 'UTC ISO-8601, inclusive; default: 90 days before `to`' }),
    to: Type.Optional({ ...Time, description: 'UTC ISO-8601, exclusive; default: now' }),
    severity: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'only incidents of this severity (as it is now)' })),
  },
  { additionalProperties: false },
);

const Seconds = Type.Union([Type.Integer(), Type.Null()]);
const Distribution = Type.Object({ count: Type.Integer(), medianSeconds: Seconds, p90Seconds: Seconds });
const ComplianceFields = {
  judged: Type.Integer(),
  kept: Type.Integer(),
  share: Type.Union([Type.Number(), Type.Null()]),
  medianLatenessSeconds: Seconds,
  worstLatenessSeconds: Seconds,
};
export const InsightsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  severity: Type.Union([Type.String(), Type.Null()]),
  generatedAt: Type.String(),
  incidents: Type.Object({
    total: Type.Integer(),
    bySeverity: Type.Array(Type.Object({ severity: Type.String(), count: Type.Integer() })),
    byWeek: Type.Array(Type.Object({ week: Type.String(), startsOn: Type.String(), total: Type.Integer(), bySeverity: Type.Record(Type.String(), Type.Integer()) })),
  }),
  durations: Type.Object({ timeToAcknowledge: Distribution, timeToDeclare: Distribution, timeToFirstUpdate: Distribution, timeToResolve: Distribution }),
  timeInStatus: Type.Object({ investigating: Distribution, identified: Distribution, monitoring: Distribution }),
  updatePromises: Type.Object({
    overall: Type.Object(ComplianceFields),
    bySeverity: Type.Array(Type.Object({ severity: Type.String(), ...ComplianceFields })),
    byCommsLead: Type.Array(Type.Object({ commsLead: Type.Union([Type.String(), Type.Null()]), ...ComplianceFields })),
  }),
  overdue: Type.Array(Type.Object({ incident: Type.String(), severity: Type.String(), overdueMinutes: Type.Number() })),
  postmortems: Type.Object({ required: Type.Integer(), published: Type.Integer(), afterResolve: Distribution }),
  followUps: Type.Object({
    opened: Type.Integer({ description: 'opened in the period' }),
    done: Type.Integer({ description: 'marked done in the period' }),
    wontDo: Type.Integer({ description: "marked won't do in the period" }),
    overdue: Type.Integer({ description: 'open and past their due day at overdueAt' }),
    overdueAt: Type.String({ description: 'the end of the period, or now if earlier' }),
  }),
  definitions: Type.Record(Type.String(), Type.String()),
});

export async function insightsRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['insights'];

  const report = (request: FastifyRequest, q: Static<typeof Query>) => {
    const now = deps.clock.now();
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_PERIOD_MS);
    if (from.getTime() >= to.getTime()) throw new DomainError('VALIDATION_FAILED', 'from must be before to.', { field: 'from' });
    const query: InsightsQuery = { from: from.toISOString(), to: to.toISOString(), severity: q.severity ?? null };
    return readInsights({ tx: deps.store, actor: actor(request), config: deps.config, now: now.toISOString() }, query);
  };

  app.get(
    '/insights',
    {
      schema: {
        tags,
        summary: 'Insights over a period: incidents by severity and week, time to acknowledge, declare, first update and resolve, time in each status, update-promise compliance, overdue minutes, postmortems, follow-ups opened, done and overdue',
        querystring: Query,
        response: { 200: InsightsSchema },
      },
    },
    async (request) => presentInsights(await report(request, request.query)),
  );

  app.get(
    '/insights.csv',
    {
      schema: {
        tags,
        summary: 'The same insights as CSV, one figure per row (section, metric, group, value)',
        querystring: Query,
        response: { 200: answerAs('text/csv', 'CSV, RFC 4180') },
      },
    },
    async (request, reply) => {
      const csv = insightsCsv(await report(request, request.query));
      reply.header('content-disposition', 'attachment; filename="insights.csv"');
      return reply.type('text/csv; charset=utf-8').send(csv);
    },
  );
}
