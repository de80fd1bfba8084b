/** Time source for services, so tests can move the calendar (quota months, session expiry). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
