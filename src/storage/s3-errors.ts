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

/** Why a bucket could not be checked, in words an operator acts on (`where`: the endpoint, or AWS S3 and its region). */
export function bucketProblem(bucket: string, where: string, region: string, err: unknown): string {
  switch (statusOf(err)) {
    case 404:
      return `S3 bucket "${bucket}" does not exist at ${where}; create it first`;
    case 403:
      return `S3 bucket "${bucket}" at ${where} refused access: check the access key, secret and the key's permissions on the bucket`;
    case 301:
    case 400:
      return `S3 bucket "${bucket}" is not reachable in region "${region}" at ${where} (${errorText(err)})`;
    default:
      return `S3 bucket "${bucket}" could not be checked at ${where}: ${errorText(err)}`;
  }
}
