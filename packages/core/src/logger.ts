/** One pino-style log method: fields object first, optional message second. */
export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** The pino call shape the reaper logs through; pino loggers and their children fit it. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};

/** A logger that drops everything; the default for library use. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * Wraps a host-supplied logger so a missing method or a throwing log call can never break a sweep
 * (the sweep promises not to throw, and hosts pass loggers of varying completeness).
 */
export function toSafeLogger(log: Partial<Logger> | null | undefined): Logger {
  if (!log) return silentLogger;
  const wrap =
    (level: keyof Logger): LogFn =>
    (obj, msg) => {
      const fn = log[level];
      if (typeof fn !== "function") return;
      try {
        fn.call(log, obj, msg);
      } catch {
        // A broken logger must not turn a finished sweep into a failure.
      }
    };
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}
