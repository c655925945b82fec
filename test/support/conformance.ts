/**
 * Response conformance: every answer an in-process app gives is checked against the app's own
 * OpenAPI document — the status is documented for the operation, so is the content type, and a
 * JSON body matches its schema. The harness (testApp) attaches it to every app it builds, so
 * each API test is also a test of the document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const mediaTypeOf = (header: unknown) => String(header ?? '').split(';')[0]!.trim().toLowerCase();
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

export class Conformance {
  /** Answers checked against a documented operation. */
  checked = 0;
  private failures: string[] = [];
  private document: { paths: Record<string, Record<string, Operation>> } | null = null;
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly app: FastifyInstance) {
    app.addHook('onSend', async (request, reply, payload) => {
      this.check(request, reply, payload);
      return payload;
    });
  }

  /** Throws (once) what answers since the last call did not match the document. */
  raise() {
    if (this.failures.length === 0) return;
    const failures = this.failures;
    this.failures = [];
    throw new Error(`answers the API document does not describe:\n${failures.join('\n')}`);
  }

  private operation(request: FastifyRequest): Operation | undefined {
    const url = request.routeOptions.url;
    // No route (the not-found answer) or a hidden one: nothing in the document to hold it to.
    if (url === undefined) return undefined;
    this.document ??= this.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
    const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase();
    return this.document.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method];
  }

  private check(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const operation = this.operation(request);
    if (!operation) return;
    this.checked++;
    const status = String(reply.statusCode);
    const where = `${request.method} ${request.url} → ${status}`;
    const documented = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
    if (!documented) return void this.failures.push(`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    // Fastify sends neither a body nor its content type with these, whatever onSend holds.
    if (status === '204' || status === '304') return;
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload.toString() : null;
    const mediaType = mediaTypeOf(reply.getHeader('content-type'));
    if (!documented.content) {
      if (body) this.failures.push(`${where}: documented without a body, answered ${mediaType || 'a body'}`);
      return;
    }
    const content = documented.content[mediaType];
    if (!content) return void this.failures.push(`${where}: content type ${mediaType || '(none)'} not documented (documented: ${Object.keys(documented.content).join(', ')})`);
    if (request.method === 'HEAD' || body === null || !isJson(mediaType) || !content.schema) return;
    const key = `${request.routeOptions.url} ${request.method} ${status} ${mediaType}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(content.schema);
      this.validators.set(key, validate);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return void this.failures.push(`${where}: documented as ${mediaType}, answered a body that is not JSON`);
    }
    if (!validate(parsed)) this.failures.push(`${where}: body does not match the schema: ${this.ajv.errorsText(validate.errors)}\n  ${body.slice(0, 500)}`);
  }
}
