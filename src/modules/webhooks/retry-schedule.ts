/**
 * When a failed delivery is tried again (contract §8): exponential from about 5 s (×3 per attempt,
 * capped at an hour) with ±20 % jitter, so receivers that failed together are not retried in
 * lockstep. The first retry comes 4–6 s after the first attempt and the second 12–18 s after that
 * (well within the contract's 10 s and 60 s); attempts go on until one is made 24 h or more after
 * the event, then the delivery is given up.
 */
export const FIRST_RETRY_MS = 5_000;
export const RETRY_FACTOR = 3;
export const MAX_RETRY_GAP_MS = 60 * 60 * 1000;
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const JITTER = 0.2;

/** The gap before the retry that follows failed attempt `attempt` (1 = the first), with `random` in [0, 1). */
export function retryGapMs(attempt: number, random: number = Math.random()): number {
  const nominal = Math.min(FIRST_RETRY_MS * RETRY_FACTOR ** Math.max(0, attempt - 1), MAX_RETRY_GAP_MS);
  return Math.round(nominal * (1 - JITTER + 2 * JITTER * random));
}

/** The time of the next attempt after failed attempt `attempt`, or null when the window is over. */
export function nextRetryAt(eventAt: Date, attempt: number, now: Date, random: number = Math.random()): Date | null {
  if (now.getTime() - eventAt.getTime() >= RETRY_WINDOW_MS) return null;
  return new Date(now.getTime() + retryGapMs(attempt, random));
}
