/** API tokens: issued (shown once), listed without their secret, revoked by their owner or an admin. */
import type { CommandContext } from './context.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize, can } from '../domain/people/policy.js';
import { requireActive } from '../domain/people/lifecycle.js';
import { isExpired, requireRoomForToken, tokenExpiry, type TokenInfo } from '../domain/people/tokens.js';
import { newToken } from './tokens.js';
import { recordAudit } from './audit.js';
import type { Page, PageRequest } from '../store/keyset.js';

export interface IssuedToken {
  id: string;
  token: string;
  person: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
}

/** Yourself, or anyone as an admin. */
function authorizeFor(ctx: Pick<CommandContext, 'actor'>, handle: string): void {
  if (handle !== ctx.actor.handle) authorize(ctx.actor, 'people.manage');
}

/** Admins issue tokens for anyone; a person may issue their own (for a second machine, a script). */
export async function createToken(ctx: CommandContext, handle: string, input: { name?: string | undefined; expiresIn?: string | undefined }): Promise<IssuedToken> {
  authorizeFor(ctx, handle);
  const person = await ctx.tx.people.get(handle, true);
  if (!person) throw new DomainError('UNKNOWN_PERSON', `There is nobody with the handle @${handle}.`, { field: 'handle' });
  requireActive(person, 'handle');
  const expiresAt = tokenExpiry(ctx.now, input.expiresIn, ctx.config.auth.tokenLifetimeMs, can(ctx.actor, 'people.manage'));
  const live = (await ctx.tx.people.tokens(handle)).filter((t) => !isExpired(t.expiresAt, ctx.now)).length;
  requireRoomForToken(live, handle);
  const token = newToken();
  const name = input.name?.trim() || 'api';
  await ctx.tx.people.insertToken({ id: token.id, person: handle, name, hash: token.hash, createdAt: ctx.now, expiresAt });
  await recordAudit(ctx, 'token.created', token.id, { after: { person: handle, name, expiresAt } });
  return { id: token.id, token: token.token, person: handle, name, createdAt: ctx.now, expiresAt };
}

export async function listTokens(ctx: Pick<CommandContext, 'tx' | 'actor'>, handle: string, page: PageRequest): Promise<Page<TokenInfo>> {
  authorizeFor(ctx, handle);
  if (!(await ctx.tx.people.get(handle))) throw new DomainError('PERSON_NOT_FOUND', `There is nobody with the handle @${handle}.`, { field: 'handle' });
  return ctx.tx.people.tokenPage(handle, page);
}

/** Revoking takes the sessions the token opened with it; open streams hear at once. */
export async function revokeToken(ctx: CommandContext, id: string): Promise<TokenInfo> {
  const token = await ctx.tx.people.token(id);
  // Someone else's token is "not found" to a non-admin: its existence is not theirs to know.
  if (!token || (token.person !== ctx.actor.handle && !can(ctx.actor, 'people.manage')))
    throw new DomainError('TOKEN_NOT_FOUND', `There is no token ${id} that you can revoke.`, { field: 'id' });
  await ctx.tx.people.deleteToken(id);
  await ctx.tx.noteAccessChanged();
  await recordAudit(ctx, 'token.revoked', id, { before: { person: token.person, name: token.name, expiresAt: token.expiresAt } });
  return token;
}
