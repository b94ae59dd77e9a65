import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  makeTempDir,
  removeTempDir,
  runBin,
  snapshotTree,
  storePathOf,
  writeKnownStore,
} from "./helpers";

// Every case runs against a real state dir (in the default ~/.openclaw of a temp HOME) holding
// stores with expired entries and old archives, so any sweep that slipped through would show.
let home: string;
let stateDir: string;
let before: Record<string, string>;

beforeAll(async () => {
  home = await makeTempDir();
  stateDir = join(home, ".openclaw");
  await writeKnownStore(stateDir, "main");
  await writeKnownStore(stateDir, "work");
  await writeFile(join(home, "bad.json5"), "{ cron: { sessionRetention: '24h' ");
  await writeFile(join(home, "bad-duration.json5"), "{ cron: { sessionRetention: 'abc' } }");
  await writeFile(join(home, "bad-hooks.json5"), "{ hooks: { sessionRetention: '1 fortnight' } }");
  await writeFile(join(home, "bad-max.json5"), "{ cron: { maxRunsPerJob: 0 } }");
  before = await snapshotTree(home);
});

afterAll(async () => {
  await removeTempDir(home);
});

const cases: [string, () => string[], RegExp][] = [
  ["unknown command", () => ["frobnicate"], /unknown command 'frobnicate'/],
  ["missing command", () => [], /missing command: use sweep, stats or watch/],
  ["help for an unknown command", () => ["help", "bogus"], /unknown command 'bogus': use sweep/],
  [
    "empty --state-dir",
    () => ["sweep", "--state-dir="],
    /--state-dir.*'' is invalid\. It is empty/,
  ],
  ["empty --store", () => ["sweep", "--store", " "], /--store.*' ' is invalid\. It is empty/],
  ["empty --agent", () => ["stats", "--agent="], /--agent.*'' is invalid\. It is empty/],
  ["empty --config", () => ["sweep", "--config", ""], /--config.*'' is invalid\. It is empty/],
  ["unknown flag", () => ["sweep", "--frobnicate"], /unknown option '--frobnicate'/],
  [
    "misspelt flag",
    () => ["sweep", "--retension", "2h"],
    /unknown option '--retension'.*--retention/,
  ],
  ["extra argument", () => ["sweep", "now"], /too many arguments/],
  ["--retention abc", () => ["sweep", "--retention", "abc"], /--retention.*'abc' is invalid/],
  ["--retention -1h", () => ["sweep", "--retention", "-1h"], /--retention.*'-1h' is invalid/],
  ["--retention empty", () => ["sweep", "--retention", ""], /--retention.*'' is invalid/],
  [
    "--hook-retention",
    () => ["sweep", "--hook-retention", "2x"],
    /--hook-retention.*'2x' is invalid/,
  ],
  ["--retention (stats)", () => ["stats", "--retention", "abc"], /--retention.*'abc' is invalid/],
  [
    "--max-runs-per-job -3",
    () => ["sweep", "--max-runs-per-job", "-3"],
    /--max-runs-per-job.*'-3'/,
  ],
  [
    "--max-runs-per-job 1.5",
    () => ["sweep", "--max-runs-per-job", "1.5"],
    /--max-runs-per-job.*'1\.5'/,
  ],
  ["--max-runs-per-job 0", () => ["sweep", "--max-runs-per-job", "0"], /--max-runs-per-job.*'0'/],
  [
    "--store with --agent",
    () => ["sweep", "--store", storePathOf(stateDir, "main"), "--agent", "main"],
    /'--store <path>' cannot be used with option '--agent <id>'/,
  ],
  [
    "--store with --all-agents",
    () => ["sweep", "--store", storePathOf(stateDir, "main"), "--all-agents"],
    /'--store <path>' cannot be used with option '--all-agents'/,
  ],
  [
    "--store missing file",
    () => ["sweep", "--store", join(home, "nope", "sessions.json")],
    /store .*nope\/sessions\.json does not exist/,
  ],
  ["--store a directory", () => ["sweep", "--store", stateDir], /store .* is not a file/],
  [
    "--state-dir missing",
    () => ["sweep", "--state-dir", join(home, "nope")],
    /state dir .*nope \(--state-dir\) does not exist/,
  ],
  [
    "--agent without store",
    () => ["sweep", "--agent", "ghost"],
    /no session store for agent ghost .*found: main, work/,
  ],
  [
    "--config missing",
    () => ["sweep", "--config", join(home, "missing.json")],
    /config file .*missing\.json does not exist/,
  ],
  [
    "--config invalid JSON5",
    () => ["sweep", "--config", join(home, "bad.json5")],
    /config .*bad\.json5 is not valid JSON5/,
  ],
  [
    "invalid duration in config",
    () => ["sweep", "--config", join(home, "bad-duration.json5")],
    /cron\.sessionRetention "abc" is not a valid duration/,
  ],
  [
    "invalid hook duration in config (stats)",
    () => ["stats", "--config", join(home, "bad-hooks.json5")],
    /hooks\.sessionRetention "1 fortnight" is not a valid duration/,
  ],
  [
    "invalid maxRunsPerJob in config",
    () => ["sweep", "--config", join(home, "bad-max.json5")],
    /cron\.maxRunsPerJob 0/,
  ],
  ["--interval 0", () => ["watch", "--interval", "0"], /--interval.*'0' is invalid.*at least 1s/],
  [
    "--interval without unit",
    () => ["watch", "--interval", "30"],
    /--interval.*'30' is invalid.*unit/,
  ],
  [
    "--lock-timeout .5 (no unit)",
    () => ["sweep", "--lock-timeout", ".5"],
    /--lock-timeout.*'\.5' is invalid.*unit/,
  ],
  [
    "--lock-timeout without unit",
    () => ["sweep", "--lock-timeout", "10"],
    /--lock-timeout.*'10' is invalid/,
  ],
  ["--log-level unknown", () => ["sweep", "--log-level", "loud"], /--log-level.*'loud' is invalid/],
];

describe("bad input exits 2 with one line and touches nothing", () => {
  it.each(cases)("%s", async (_name, args, message) => {
    const result = await runBin(args(), { home });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^session-reaper: /);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/\(see 'session-reaper( \w+)? --help'\)$/);
    expect(await snapshotTree(home)).toEqual(before);
  });

  it("a missing default state dir (~/.openclaw) is a usage error too", async () => {
    const empty = await makeTempDir();
    try {
      const result = await runBin(["sweep"], { home: empty });
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`state dir ${join(empty, ".openclaw")} (the default;`);
      expect(await snapshotTree(empty)).toEqual({});
    } finally {
      await removeTempDir(empty);
    }
  });

  it("a missing $OPENCLAW_STATE_DIR names the variable", async () => {
    const result = await runBin(["stats"], {
      home,
      env: { OPENCLAW_STATE_DIR: join(home, "elsewhere") },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/state dir .*elsewhere \(\$OPENCLAW_STATE_DIR\) does not exist/);
    expect(await snapshotTree(home)).toEqual(before);
  });
});
