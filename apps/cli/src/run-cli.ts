import { CommanderError } from "commander";
import { type CliIo, processIo } from "./cli-io";
import { createProgram, type RunState } from "./program";
import { isUsageError } from "./usage-error";

/** Exit codes of the CLI (documented in `--help` and the README). */
export const EXIT_OK = 0;
/** At least one store could not be swept (corrupt, lock timeout, I/O). */
export const EXIT_STORE_FAILED = 1;
/** Bad command line, value, path or config; nothing was touched. */
export const EXIT_USAGE = 2;

/** Commander messages start with "error: " and may add a suggestion on a second line. */
function oneLine(message: string): string {
  return message
    .replace(/^error:\s*/i, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

/** Commander shows the help with an error both for no command and for `help <unknown>`. */
function helpProblem(argv: readonly string[]): string {
  const [first, topic] = argv;
  if (first === "help" && topic !== undefined) {
    return `unknown command '${topic}': use sweep, stats or watch`;
  }
  return "missing command: use sweep, stats or watch";
}

function helpHint(state: RunState): string {
  return state.command ? `session-reaper ${state.command} --help` : "session-reaper --help";
}

/**
 * Runs the CLI with `argv` (arguments after the executable and script) and resolves to the exit
 * code; it never calls `process.exit` and never throws. Usage errors print one line on stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const state: RunState = { exitCode: EXIT_OK };
  const program = createProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0 after printing.
      if (error.exitCode === 0) return EXIT_OK;
      const problem = error.code === "commander.help" ? helpProblem(argv) : oneLine(error.message);
      io.stderr.write(`session-reaper: ${problem} (see '${helpHint(state)}')\n`);
      return EXIT_USAGE;
    }
    if (isUsageError(error)) {
      io.stderr.write(`session-reaper: ${oneLine(error.message)} (see '${helpHint(state)}')\n`);
      return EXIT_USAGE;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`session-reaper: unexpected error: ${detail}\n`);
    return EXIT_STORE_FAILED;
  }
}
