/**
 * A real OpenID provider for tests: `oidc-provider` (a certified implementation) on 127.0.0.1,
 * with its own development login page (any password), consent granted for the test client,
 * RP-initiated logout, and a hook that re-signs the ID token the token endpoint answers, with
 * the provider's own key or another, to check what the client refuses.
 */
import type { Server } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { freePort } from './harness.js';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export const CLIENT_ID = 'incident-command';
export const CLIENT_SECRET = 'test-client-secret-0123456789';

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** When set, the token endpoint's ID token is replaced by what this returns. */
  tamper: ((idToken: string) => Promise<string>) | null;
  /** Signs `payload` as the provider (or, with `foreign`, with a key it never published). */
  sign(payload: JWTPayload, foreign?: boolean): Promise<string>;
  /** Drives the provider's login page as a browser would (fetch, cookies kept): answers where it sends the browser back. */
  signInAt(authorizeUrl: string, login: string): Promise<string>;
  close(): Promise<void>;
}

export async function startProvider(options: { redirectUri: string; postLogoutRedirectUri: string }): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const keys = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, TestAccount>();

  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) }),
    // A first-party client: consent is given without asking, as a company's own provider does.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const state: TestProvider = {
    issuer,
    accounts,
    tamper: null,
    sign: (payload, withForeign = false) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(withForeign ? foreign.privateKey : keys.privateKey),
    signInAt: (url, login) => signInAt(issuer, url, login),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.method === 'POST' && ctx.path === '/token' && state.tamper && body?.id_token) ctx.body = { ...body, id_token: await state.tamper(body.id_token) };
  });
  const server: Server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((ready) => server.once('listening', () => ready()));
  return state;
}

/** The claims of an ID token with `change` applied, for re-signing. */
export function changedClaims(idToken: string, change: Partial<JWTPayload>): JWTPayload {
  return { ...decodeJwt(idToken), ...change };
}

async function signInAt(issuer: string, authorizeUrl: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizeUrl;
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 12; step++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url).href;
      if (!next.startsWith(issuer)) return next;
      url = next;
      body = undefined;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected page from the provider (${res.status}):\n${html.slice(0, 2000)}`);
    url = new URL(action, url).href;
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
  }
  throw new Error('the provider did not send the browser back within 12 steps');
}
