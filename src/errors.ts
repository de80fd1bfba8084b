/**
 * Typed application errors. Services throw these; the REST layer maps `status` to the HTTP response
 * and the GraphQL layer exposes `code` and `message` (everything else is masked).
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra response headers (Retry-After, RateLimit-*). */
  readonly headers: Record<string, string>;

  constructor(message: string, code: string, status: number, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, code = 'BAD_REQUEST') {
    super(message, code, 400);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', code = 'UNAUTHENTICATED') {
    super(message, code, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code = 'FORBIDDEN') {
    super(message, code, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(message, code, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT') {
    super(message, code, 409);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string, code = 'PAYLOAD_TOO_LARGE') {
    super(message, code, 413);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, code: string, headers: Record<string, string> = {}) {
    super(message, code, 429, headers);
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
