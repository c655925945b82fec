/**
 * The OpenID provider, through openid-client: Authorization Code with PKCE, state and nonce,
 * the ID token's signature checked against the provider's keys (not only trusted because it
 * came over TLS), and RP-initiated sign-out. The provider is discovered at the first sign-in,
 * not at start: a provider that is down must not keep the server from starting.
 */
import * as client from 'openid-client';
import { isLoopback, type OidcSettings, type PendingSignIn, type ProviderClaims } from '../domain/sessions/single-sign-on.js';

/** Why a sign-in came back unusable: the browser's answer, or what the provider said or sent. */
export class OidcFailure extends Error {
  constructor(
    readonly reason: 'provider-refused' | 'check-failed' | 'unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'OidcFailure';
  }
}

/** Seconds a request to the provider may take. */
const PROVIDER_TIMEOUT_S = 10;

export class OidcClient {
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: OidcSettings,
    private readonly clientSecret: string | null,
  ) {}

  private configuration(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    const execute = [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' && isLoopback(issuer) ? [client.allowInsecureRequests] : [])];
    const auth = this.clientSecret ? client.ClientSecretBasic(this.clientSecret) : client.None();
    this.discovered ??= client.discovery(issuer, this.settings.clientId, undefined, auth, { execute, timeout: PROVIDER_TIMEOUT_S }).catch((error: unknown) => {
      // Tried again at the next sign-in.
      this.discovered = null;
      throw new OidcFailure('unreachable', `The provider at ${this.settings.issuer} could not be reached: ${(error as Error).message}`);
    });
    return this.discovered;
  }

  /** Where to send the browser, and what its return must match. */
  async begin(redirectUri: string): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.configuration();
    const pending = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /**
   * Exchanges the code the browser brought back (at `callbackUrl`, the redirect URI with its
   * query) for verified claims. The user info endpoint fills in what the ID token leaves out:
   * several providers put the e-mail address and groups only there.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<{ claims: ProviderClaims; idToken: string }> {
    const config = await this.configuration();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        pkceCodeVerifier: pending.codeVerifier,
        idTokenExpected: true,
      });
    } catch (error) {
      throw failure(error);
    }
    const idClaims = tokens.claims()!;
    let claims: ProviderClaims = { ...idClaims };
    const roleClaim = this.settings.roleClaim;
    if ((claims.email === undefined || (roleClaim && claims[roleClaim] === undefined)) && config.serverMetadata().userinfo_endpoint) {
      try {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...claims };
      } catch (error) {
        throw failure(error);
      }
    }
    return { claims, idToken: tokens.id_token! };
  }

  /** Where to send the browser to end its session at the provider too; null when it offers no end_session_endpoint. */
  async endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | null> {
    let config: client.Configuration;
    try {
      config = await this.configuration();
    } catch {
      // Signing out here still happens; the provider's session is left to run out.
      return null;
    }
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
  }
}

function failure(error: unknown): OidcFailure {
  if (error instanceof client.AuthorizationResponseError) return new OidcFailure('provider-refused', `The provider refused: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`);
  if (error instanceof client.ResponseBodyError) return new OidcFailure('check-failed', `The provider did not accept the sign-in: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}.`);
  if (error instanceof client.ClientError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new OidcFailure('check-failed', `The provider's answer did not pass its checks (${error.message}${cause}).`);
  }
  return new OidcFailure('unreachable', `The provider could not be reached: ${(error as Error).message}`);
}
