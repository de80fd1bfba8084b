/** Reading the AWS SDK's errors: the HTTP status, the error's name, a one-line description. */

export function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = statusOf(err);
  return `${err.name}${status ? ` (HTTP ${status})` : ''}: ${err.message}`;
}
