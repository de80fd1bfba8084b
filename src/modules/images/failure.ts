/**
 * Why an image failed, recorded with the failure: only a failure that was not the input's fault
 * may be retried (contract §7, `POST /api/v1/images/:id/retry`).
 */
export const FAILURE_KINDS = ['input', 'timeout', 'storage', 'interrupted', 'internal'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The file itself is broken or refused: the same bytes would fail again. */
export const RETRYABLE_FAILURES: readonly FailureKind[] = ['timeout', 'storage', 'interrupted', 'internal'];
