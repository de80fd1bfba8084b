/** How numbers and dates read in the dashboard. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));

/** "−84%" for a variant of 16 KB against a 100 KB original. */
export function formatSaving(bytes: number, original: number): string {
  if (!original) return '—';
  const change = (bytes / original - 1) * 100;
  // −99.6% stays −99.6%: rounding it to −100% would claim the file is empty
  const shown = Math.abs(change) >= 99.5 ? Math.abs(change).toFixed(1) : String(Math.round(Math.abs(change)));
  return change <= 0 ? `−${shown}%` : `+${shown}%`;
}

/** Server messages carry ISO timestamps ("it resets at 2027-01-01T00:00:00.000Z"): show them in the reader's time. */
export function localizeTimestamps(message: string): string {
  return message.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z\b/g, (iso) => formatDateTime(iso));
}
