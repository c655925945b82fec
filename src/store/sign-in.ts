/** OpenID sign-ins under way, and the sign-in settings an admin changes at run time. */
import type { Executor } from './schema.js';
import type { PendingSignIn } from '../domain/sessions/single-sign-on.js';

export class SignInStore {
  constructor(private readonly db: Executor) {}

  async begin(idHash: string, pending: PendingSignIn, now: string, expiresAt: string): Promise<void> {
    // Beginning is when abandoned ones are swept: no timer needed, and the table stays small.
    await this.db.deleteFrom('oidc_sign_ins').where('expires_at', '<=', now).execute();
    await this.db
      .insertInto('oidc_sign_ins')
      .values({ id_hash: idHash, state: pending.state, nonce: pending.nonce, code_verifier: pending.codeVerifier, created_at: now, expires_at: expiresAt })
      .execute();
  }

  /** The sign-in begun with this cookie, removed as it is read: a callback is accepted once. */
  async take(idHash: string, now: string): Promise<PendingSignIn | null> {
    const row = await this.db.deleteFrom('oidc_sign_ins').where('id_hash', '=', idHash).returning(['state', 'nonce', 'code_verifier', 'expires_at']).executeTakeFirst();
    if (!row || row.expires_at <= now) return null;
    return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
  }

  async setting(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string, now: string, by: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value, updated_at: now, updated_by: by })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now, updated_by: by }))
      .execute();
  }
}
