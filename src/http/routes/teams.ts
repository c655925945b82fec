/**
 * POST /api/messages: the Teams bot's endpoint. The request goes to the Bot Framework
 * adapter as it came; the SDK checks its bearer token (signed by the Bot Framework for this
 * app id, and the tenant's) before the bot sees anything, answering 401 otherwise. The
 * adapter writes its answer through a response shaped like Express's, relayed here.
 */
import type { FastifyInstance } from 'fastify';
import type { CloudAdapter } from 'botbuilder';
import type { HttpDeps } from '../context.js';
import type { TeamsBot } from '../../processors/chat/teams-bot.js';

class AdapterAnswer {
  readonly socket = undefined;
  statusCode = 200;
  body: unknown = undefined;
  readonly headers: Record<string, unknown> = {};
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown) {
    this.headers[name] = value;
    return this;
  }
  send(body?: unknown) {
    this.body = body;
    return this;
  }
  end() {
    return this;
  }
}

export async function teamsRoutes(app: FastifyInstance, deps: HttpDeps & { adapter: CloudAdapter; bot: TeamsBot }): Promise<void> {
  app.post('/api/messages', { schema: { hide: true }, bodyLimit: 256 * 1024 }, async (request, reply) => {
    const answer = new AdapterAnswer();
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
    await deps.adapter.process({ body, headers: request.headers, method: request.method }, answer, (context) => deps.bot.run(context));
    for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
    reply.code(answer.statusCode);
    return answer.body === undefined ? reply.send() : reply.send(answer.body);
  });
}
