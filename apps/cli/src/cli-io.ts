/** Where the CLI writes and what it reads from its surroundings; injectable for tests. */
export interface CliIo {
  /** Human output and `--json` documents. */
  stdout: { write(chunk: string): unknown };
  /** Usage errors and logs. Pretty logs need a real stream (pino-pretty writes to it). */
  stderr: NodeJS.WritableStream;
  /** Environment (reads `OPENCLAW_STATE_DIR`, `NO_COLOR`, `HOME`). */
  env: Record<string, string | undefined>;
  /** Base for relative paths. */
  cwd: string;
  /** Whether stderr is an interactive terminal (pretty logs). */
  stderrIsTTY: boolean;
  /** Signals that stop `watch`; defaults to the process. */
  signals?: SignalSource;
}

/** The part of `process` that `watch` needs to hear SIGINT/SIGTERM. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** The real process streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    signals: process,
  };
}
