/**
 * Tells an outage of a backing service from a bug, so the HTTP edge answers 503 with Retry-After
 * (which clients and load balancers know to retry) instead of 500 (which they must not). An outage
 * is: PostgreSQL refusing or dropping connections, shutting down or starting up; the object store
 * unreachable, timing out or answering 5xx after the SDK's own retries; or a store that keeps
 * corrupting what it is sent. The original error stays on `cause` for the log.
 */
import { ServiceUnavailableError } from '../errors.ts';
import type { RestResponse } from './rest.ts';

/** Socket-level failures reaching any backing service (pg and the AWS SDK pass Node's codes through). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down), 53300 too_many_connections.
 */
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** node-postgres reports a lost or unobtainable connection with these messages and no code. */
const PG_CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

/**
 * TypeORM releases a query runner when its connection emits 'error' (the server terminated it), and
 * the next query of that request then fails with this instead of the pg error.
 */
const TYPEORM_CONNECTION_LOST = new Set(['QueryRunnerAlreadyReleasedError']);

/** AWS SDK errors that mean the store is away rather than that the request was wrong. */
const S3_UNAVAILABLE_NAMES = new Set(['ServiceUnavailable', 'SlowDown', 'InternalError', 'RequestTimeout', 'TimeoutError']);

/** The error, classified: a ServiceUnavailableError (cause: the original) when it is an outage, else null. */
export function asServiceUnavailable(err: unknown): ServiceUnavailableError | null {
  if (err instanceof ServiceUnavailableError) return err;
  if (!isOutage(err, 0)) return null;
  const unavailable = new ServiceUnavailableError();
  (unavailable as { cause?: unknown }).cause = err;
  return unavailable;
}

/**
 * The 503 answer for an outage, or null when `err` is not one. GraphQL requests get a GraphQL-shaped
 * body (an error with extensions.code UNAVAILABLE), everything else `{message, code}`.
 */
export function unavailableResponse(err: unknown, path: string): RestResponse | null {
  const unavailable = asServiceUnavailable(err);
  if (!unavailable) return null;
  const { message, code, status, headers } = unavailable;
  const body = path === '/graphql' ? { errors: [{ message, extensions: { code } }] } : { message, code };
  return { status, body, headers };
}

function isOutage(err: unknown, depth: number): boolean {
  if (depth > 5 || typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.test(e.code) || e.code === 'STORAGE_INTEGRITY')) return true;
  if (typeof e.message === 'string' && PG_CONNECTION_MESSAGE.test(e.message)) return true;
  if (typeof e.name === 'string' && TYPEORM_CONNECTION_LOST.has(e.name)) return true;
  if (e.$metadata !== undefined && ((e.$metadata.httpStatusCode ?? 0) >= 500 || (typeof e.name === 'string' && S3_UNAVAILABLE_NAMES.has(e.name)))) return true;
  // TypeORM keeps the pg error on driverError; Node and the SDK chain causes; happy eyeballs aggregates.
  const inner = [e.cause, e.driverError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== err && isOutage(i, depth + 1));
}
