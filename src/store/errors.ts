/** What the databases' errors mean, for both of them. */

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Socket errors on the way to the database (PostgreSQL stopped, restarting, failed over, or out of reach). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'SQLITE_BUSY']);
// pg reports a connection closed under it, or one it could not open in time, by message only.
const UNREACHABLE_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed)/;

/**
 * The database cannot answer right now, and another try in a moment may succeed: a connection
 * refused or dropped, PostgreSQL shutting down or starting up (57P01–57P03), a connection
 * exception (class 08), SQLite locked past its busy timeout.
 */
export function isStoreUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^08...$/.test(code) || /^57P0[123]$/.test(code))) return true;
  return typeof message === 'string' && UNREACHABLE_MESSAGES.test(message);
}
