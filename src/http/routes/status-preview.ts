/**
 * `POST /incidents/:id/status-page/preview`: the incident's public page as it would read right
 * after posting this update, rendered by the status page's own presenter from the state the
 * same rules would produce; nothing is recorded. The console shows it before a public update goes out.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, incidentNumber, type HttpDeps } from '../context.js';
import { ErrorBody, IncidentParams, UpdateBody } from '../schemas.js';
import { previewUpdate } from '../../commands/post-update.js';
import { listComponents, statusPageCreatedAt } from '../../commands/components.js';
import { buildStatusPage } from '../../domain/status-page/view-model.js';
import { isPublicIncident } from '../../domain/status-page/visibility.js';
import { incidentId } from '../../domain/model/ids.js';
import { renderIncidentHtml } from '../../presenters/status-page/html.js';
import { contentHash, stylesheet } from '../../presenters/status-page/branding.js';

const PreviewBody = Type.Object({ ...UpdateBody.properties, audience: Type.Optional(Type.Literal('public')) }, { additionalProperties: false });
const PreviewSchema = Type.Object({
  public: Type.Boolean({ description: 'whether the incident is on the public page now; when not, `html` shows how it would read once published' }),
  html: Type.Union([Type.String({ description: "the incident's public page (/status/incidents/{id}), a whole HTML document" }), Type.Null()], {
    description: 'null for a private incident: it never goes on the page',
  }),
});

export async function statusPreviewRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { config, store } = deps;
  const css = stylesheet(config.organization.colors);
  const assets = { stylesheet: `/status/assets/style-${contentHash(css)}.css`, subscribeForm: null };

  app.post(
    '/incidents/:id/status-page/preview',
    {
      schema: {
        tags: ['status-page'],
        summary: 'Preview a public update: the incident\'s status page as it would be after posting it (nothing is posted; refused as posting would be)',
        params: IncidentParams,
        body: PreviewBody,
        response: { 200: PreviewSchema, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const now = deps.clock.now().toISOString();
      const number = incidentNumber(request.params.id);
      const after = await previewUpdate({ tx: store, config, now, actor: actor(request) }, number, { ...request.body, audience: 'public' });
      if (after.private) return { public: false, html: null };
      const shown = isPublicIncident(after, config);
      const [components, maintenances, pageCreatedAt] = await Promise.all([
        listComponents({ tx: store, config }),
        store.maintenance.list(new Date(Date.parse(now) - config.statusPage.recentResolvedMs).toISOString()),
        statusPageCreatedAt({ tx: store }),
      ]);
      const incidents = [shown ? after : { ...after, publishedAt: now }];
      const model = buildStatusPage({ now, config, baseUrl: deps.publicUrl ?? '', components, incidents, maintenances, pageCreatedAt });
      const incident = model.history.find((i) => i.id === incidentId(number))!;
      return { public: shown, html: renderIncidentHtml(model, incident, assets) };
    },
  );
}
