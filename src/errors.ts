/**
 * Typed application errors. Services throw these; the REST layer maps `status` to the HTTP response
 * and the GraphQL layer exposes `code`, `message` and the details below (everything else is masked).
 */
import type { ErrorCode } from './error-codes.ts';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers (Retry-After, RateLimit-*). */
  readonly headers: Record<string, string>;

  constructor(message: string, code: ErrorCode, status: number, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

export class ValidationError extends AppError {
  /** The input that was wrong (`email`, `name`, …), when one input is to blame: forms show the message next to it. */
  readonly field: string | null;

  constructor(message: string, code: ErrorCode = 'BAD_REQUEST', field: string | null = null) {
    super(message, code, 400);
    this.field = field;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', code: ErrorCode = 'UNAUTHENTICATED') {
    super(message, code, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code: ErrorCode = 'FORBIDDEN') {
    super(message, code, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code: ErrorCode = 'NOT_FOUND') {
    super(message, code, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCode = 'CONFLICT') {
    super(message, code, 409);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, code: ErrorCode = 'PAYLOAD_TOO_LARGE') {
    super(message, code, 413);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, code: ErrorCode, headers: Record<string, string> = {}) {
    super(message, code, 429, headers);
  }
}

/** The monthly upload quota is used up: clients show when it comes back. */
export class QuotaExceededError extends TooManyRequestsError {
  /** Uploads a month on the user's plan. */
  readonly limit: number;
  readonly resetsAt: Date;

  constructor(message: string, limit: number, resetsAt: Date, headers: Record<string, string> = {}) {
    super(message, 'QUOTA_EXCEEDED', headers);
    this.limit = limit;
    this.resetsAt = resetsAt;
  }
}

/** How long clients are told to wait while a backing service is away (a PostgreSQL restart takes seconds). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** A backing service (the database, the object store) cannot be reached right now: 503, try again later. */
export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable: a backing service (database or storage) cannot be reached. Try again shortly.', retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_SECONDS) {
    super(message, 'UNAVAILABLE', 503, { 'Retry-After': String(retryAfterSeconds) });
  }
}
