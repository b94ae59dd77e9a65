import { Command, InvalidArgumentError, Option } from "commander";
import { version } from "../package.json";
import type { CliIo } from "./cli-io";
import type { StatsOptions, SweepOptions, WatchOptions } from "./command-options";
import { LOG_LEVELS } from "./log-levels";
import {
  checkInterval,
  checkLockTimeout,
  checkMaxRuns,
  checkRetention,
  type FlagCheck,
} from "./parse-flags";

/** Mutable outcome of one CLI run, filled in by the command action. */
export interface RunState {
  exitCode: number;
  /** Name of the command being parsed, for the "see --help" hint of usage errors. */
  command?: string;
}

/** Turns a value check into a commander option parser (commander reports the failure). */
function parser<T>(check: (raw: string) => FlagCheck<T>) {
  return (raw: string): T => {
    const result = check(raw);
    if (!result.ok) {
      // Commander appends this after "argument 'x' is invalid." — make it a sentence of its own.
      const sentence = result.problem.charAt(0).toUpperCase() + result.problem.slice(1);
      throw new InvalidArgumentError(`${sentence}.`);
    }
    return result.value;
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Refuses an empty value: an empty --state-dir or --store would quietly mean the current directory. */
function nonEmpty(what: string): (raw: string) => string {
  return (raw) => {
    if (raw.trim() === "") throw new InvalidArgumentError(`It is empty; give ${what}.`);
    return raw;
  };
}

/** A repeatable flag whose values must not be empty. */
function collectNonEmpty(what: string) {
  const check = nonEmpty(what);
  return (raw: string, previous: string[] | undefined): string[] => collect(check(raw), previous);
}

const EXIT_CODES = `
Exit codes:
  0  done (also: nothing to remove)
  1  a store could not be swept (corrupt, lock timeout, I/O); other stores were still swept
  2  usage error (unknown command or flag, bad duration, missing store or state dir, bad config);
     nothing was touched`;

const POLICY_NOTES = `
Policy: flags override --config, which overrides the defaults (cron runs 24h, hooks off, no
per-job cap). A bare number in --retention/--hook-retention means hours, as in OpenClaw's
config; "off" disables that rule.`;

/** Adds the store-selection flags shared by every command. */
function addStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--store <path>", "a sessions.json file to work on (repeatable)")
        .argParser(collectNonEmpty("the path of a sessions.json file"))
        .conflicts(["stateDir", "agent", "allAgents"]),
    )
    .addOption(
      new Option(
        "--state-dir <dir>",
        "OpenClaw state dir holding agents/<id>/sessions/sessions.json " +
          "(default: $OPENCLAW_STATE_DIR, else ~/.openclaw)",
      ).argParser(nonEmpty("a directory")),
    )
    .addOption(
      new Option("--agent <id>", "only this agent's store (repeatable)")
        .argParser(collectNonEmpty("an agent id"))
        .conflicts("allAgents"),
    )
    .addOption(new Option("--all-agents", "every agent's store under the state dir (the default)"));
}

/** Adds the retention policy flags shared by every command. */
function addPolicyOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--retention <duration|off>",
        "remove cron run sessions older than this (default: 24h; bare number = hours)",
      ).argParser(parser(checkRetention)),
    )
    .addOption(
      new Option(
        "--hook-retention <duration|off>",
        "remove hook sessions older than this (default: off; bare number = hours)",
      ).argParser(parser(checkRetention)),
    )
    .addOption(
      new Option(
        "--max-runs-per-job <n|off>",
        "keep at most this many run sessions per cron job (default: off)",
      ).argParser(parser(checkMaxRuns)),
    )
    .addOption(
      new Option(
        "--config <openclaw.json>",
        "read cron.sessionRetention, cron.maxRunsPerJob and hooks.sessionRetention (JSON5)",
      ).argParser(nonEmpty("the path of openclaw.json")),
    );
}

function lockTimeoutOption(): Option {
  return new Option(
    "--lock-timeout <duration>",
    "how long to wait for a store's lock before giving up on it (default: 10s)",
  ).argParser(parser(checkLockTimeout));
}

function logLevelOption(defaultLevel: string): Option {
  return new Option(
    "--log-level <level>",
    `log level on stderr (default: ${defaultLevel})`,
  ).choices(LOG_LEVELS);
}

/**
 * Builds the commander program. Each action lazily imports its command module, so `--help`
 * and usage errors never load the sweep machinery. Commander errors are thrown (exitOverride),
 * not printed: {@link runCli} turns them into one-line messages.
 */
export function createProgram(io: CliIo, state: RunState): Command {
  const program = new Command("session-reaper")
    .description(
      "Remove finished cron-run (and, if enabled, hook) sessions from OpenClaw session stores, " +
        "archive their transcripts, and delete old archives.",
    )
    .version(version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Help shown because of an error (no command given) is replaced by a one-line message.
      writeErr: () => {},
      outputError: () => {},
    })
    .hook("preSubcommand", (_program, sub) => {
      state.command = sub.name();
    })
    .addHelpText(
      "after",
      `
Examples:
  session-reaper stats                      what every agent's store holds
  session-reaper sweep --dry-run            what a sweep would remove, changing nothing
  session-reaper sweep --retention 7d       remove cron run sessions older than 7 days
  session-reaper watch --interval 10m       sweep every 10 minutes until Ctrl-C
${EXIT_CODES}`,
    );

  const sweep = program
    .command("sweep")
    .description("remove expired run sessions now (always runs; no throttle)");
  addPolicyOptions(addStoreOptions(sweep))
    .option("--dry-run", "change nothing; list the keys, transcripts and archives it would touch")
    .option("--json", "print one JSON document instead of text")
    .addOption(lockTimeoutOption())
    .addOption(logLevelOption("warn"))
    .addHelpText(
      "after",
      `
Examples:
  session-reaper sweep --dry-run
  session-reaper sweep --state-dir ~/.openclaw --agent main --retention 48h
  session-reaper sweep --store ./sessions.json --max-runs-per-job 20 --json
  session-reaper sweep --config ~/.openclaw/openclaw.json --hook-retention 3d
${POLICY_NOTES}
${EXIT_CODES}`,
    )
    .action(async (options: SweepOptions) => {
      const { runSweep } = await import("./commands/sweep");
      state.exitCode = await runSweep(options, io);
    });

  const stats = program
    .command("stats")
    .description("show what each store holds and what the policy would remove (read-only)");
  addPolicyOptions(addStoreOptions(stats))
    .option("--json", "print one JSON document instead of text")
    .addOption(logLevelOption("warn"))
    .addHelpText(
      "after",
      `
Examples:
  session-reaper stats
  session-reaper stats --store ./sessions.json --retention 6h --json
${POLICY_NOTES}
${EXIT_CODES}`,
    )
    .action(async (options: StatsOptions) => {
      const { runStats } = await import("./commands/stats");
      state.exitCode = await runStats(options, io);
    });

  const watch = program
    .command("watch")
    .description("sweep on a timer until SIGINT/SIGTERM, then exit 0");
  addPolicyOptions(addStoreOptions(watch))
    .addOption(
      new Option(
        "--interval <duration>",
        "time between sweeps, at least 1s (default: 5m)",
      ).argParser(parser(checkInterval)),
    )
    .option("--dry-run", "log what each sweep would remove, changing nothing")
    .addOption(lockTimeoutOption())
    .addOption(logLevelOption("info"))
    .addHelpText(
      "after",
      `
The first sweep runs at once, then one every --interval after the previous one ends. A store
that has not changed since its last sweep and has nothing due is only stat()ed. On SIGINT or
SIGTERM the running sweep finishes and the command exits 0 (press Ctrl-C twice to abort).

Examples:
  session-reaper watch
  session-reaper watch --interval 30s --retention 6h --log-level debug
${POLICY_NOTES}
${EXIT_CODES}`,
    )
    .action(async (options: WatchOptions) => {
      const { runWatch } = await import("./commands/watch");
      state.exitCode = await runWatch(options, io);
    });

  return program;
}
