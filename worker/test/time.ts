/** Times for tests that book, schedule or list things ahead of now (whole UTC hours, ISO strings). */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const iso = (ms: number) => new Date(ms).toISOString();
/** A whole UTC hour `days` days from now. */
export const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
};
