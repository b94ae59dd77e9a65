import pino from "pino";
import type { CliIo } from "./cli-io";
import type { LogLevel } from "./log-levels";

/** The pino logger the commands use (its call shape matches core's `Logger`). */
export type CliLogger = pino.Logger;

/** NO_COLOR convention: any non-empty value turns colours off. */
function colorAllowed(env: CliIo["env"]): boolean {
  return (env.NO_COLOR ?? "") === "";
}

/** Errors as pino logs them, minus stack traces unless debugging: the message says what to do. */
function errorSerializer(withStack: boolean) {
  return (error: Error) => {
    const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
    if (!withStack) delete serialized.stack;
    return serialized;
  };
}

/**
 * Creates the CLI's pino logger on stderr: JSON lines when stderr is a pipe or file, pino-pretty
 * (coloured unless NO_COLOR is set) on a terminal. Writes are synchronous so nothing is lost when
 * the entry point exits right after a command.
 */
export async function createCliLogger(level: LogLevel, io: CliIo): Promise<CliLogger> {
  const debugging = level === "debug" || level === "trace";
  const options = {
    level,
    base: { name: "session-reaper" },
    serializers: { err: errorSerializer(debugging) },
  };
  if (!io.stderrIsTTY) return pino(options, io.stderr);
  // Loaded only for terminals: pino-pretty is the heaviest dependency of the CLI.
  const { default: pretty } = await import("pino-pretty");
  const stream = pretty({
    destination: io.stderr,
    colorize: colorAllowed(io.env),
    sync: true,
    singleLine: true,
    ignore: "pid,hostname,name",
    translateTime: "SYS:HH:MM:ss",
  });
  return pino(options, stream);
}
