import { createHash, randomBytes } from 'node:crypto';

/** Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): { id: string; token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  const token = `ic_${secret}`;
  return { id: `tok_${randomBytes(6).toString('hex')}`, token, hash: hashToken(token) };
}
