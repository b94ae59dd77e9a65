/** Default retention of cron run sessions when `cron.sessionRetention` is absent or invalid: 24 h. */
export const DEFAULT_CRON_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Minimum time between two unforced sweeps of the same store path: 5 min. */
export const MIN_SWEEP_INTERVAL_MS = 5 * 60 * 1000;
