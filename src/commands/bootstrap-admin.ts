/**
 * The first start with an empty store creates an admin and writes its token where
 * only its owner can read it, so a fresh install is usable without a setup wizard.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import { DomainError } from '../domain/model/errors.js';
import { hashToken, newToken } from './tokens.js';

export const TOKEN_FILE = 'admin-token';

export interface Bootstrapped {
  handle: string;
  tokenFile: string | null;
}

export async function bootstrapAdmin(store: Store, dataDir: string, now: string, presetToken?: string): Promise<Bootstrapped | null> {
  const token = presetToken ? { id: 'tok_bootstrap', token: presetToken, hash: hashToken(presetToken) } : newToken();
  try {
    const created = await store.transaction(async (tx) => {
      if ((await tx.people.count()) > 0) return false;
      await tx.people.insert({ handle: 'admin', name: 'Administrator', email: null, role: 'admin', chat: {}, createdAt: now, deactivatedAt: null, version: 1 });
      await tx.people.insertToken({ id: token.id, person: 'admin', name: 'bootstrap', hash: token.hash, createdAt: now });
      return true;
    });
    if (!created) return null;
  } catch (error) {
    // Another instance sharing the database bootstrapped first.
    if (error instanceof DomainError && error.code === 'PERSON_EXISTS') return null;
    throw error;
  }
  if (presetToken) return { handle: 'admin', tokenFile: null };
  mkdirSync(dataDir, { recursive: true });
  const tokenFile = join(dataDir, TOKEN_FILE);
  writeFileSync(tokenFile, `${token.token}\n`, { mode: 0o600 });
  return { handle: 'admin', tokenFile };
}
