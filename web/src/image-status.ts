/**
 * The one place the dashboard compares image statuses and names pipeline steps. GraphQL spells
 * statuses as enum values (`READY`), REST in lowercase (`ready`); both read the same here.
 */
export type Status = 'processing' | 'ready' | 'failed';

export function statusOf(value: string): Status {
  const s = value.toLowerCase();
  return s === 'ready' || s === 'failed' ? s : 'processing';
}

export const isReady = (value: string) => statusOf(value) === 'ready';
export const isFailed = (value: string) => statusOf(value) === 'failed';
/** Ready or failed: no more events will come. */
export const isFinal = (value: string) => statusOf(value) !== 'processing';

export const STATUS_LABEL: Record<Status, string> = { processing: 'Processing', ready: 'Ready', failed: 'Failed' };

const STEP_LABEL: Record<string, string> = {
  VALIDATE: 'Checking the file',
  CONVERT: 'Converting to WebP',
  RESIZE: 'Resizing',
  OPTIMIZE: 'Optimizing',
  UPLOAD: 'Storing the sizes',
  ACTIVATE: 'Publishing',
};

/** A human name for a pipeline step (`RESIZE` → "Resizing"). */
export function stepLabel(step: string): string {
  return STEP_LABEL[step.toUpperCase()] ?? 'Processing';
}
