/** An API refusal: the HTTP status and the API's `{message, code}`. */
export class OptimageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OptimageError';
  }
}

/** The error of a failed answer, from its JSON body when it has one. */
export function errorOf(status: number, body: string): OptimageError {
  try {
    const json = JSON.parse(body) as { message?: string; code?: string };
    return new OptimageError(status, json.code ?? `HTTP_${status}`, json.message ?? `HTTP ${status}`);
  } catch {
    return new OptimageError(status, `HTTP_${status}`, body || `HTTP ${status}`);
  }
}
