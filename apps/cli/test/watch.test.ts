import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createSampleStateDir } from "@session-reaper/bench";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTempHome,
  DAY,
  HOUR,
  logLines,
  removeTempDir,
  spawnBin,
  writeKnownStore,
  writeStore,
} from "./helpers";

let home: string;
let stateDir: string;

beforeEach(async () => {
  ({ home, stateDir } = await createTempHome());
});

afterEach(() => removeTempDir(home));

type Log = Record<string, unknown>;

/** Runs `watch` and lets the test react to each log line; resolves with the exit and all logs. */
function watch(
  args: string[],
  onLog: (log: Log, all: Log[], child: ReturnType<typeof spawnBin>) => void,
) {
  const child = spawnBin(["watch", ...args], { home });
  const logs: Log[] = [];
  let stderr = "";
  let stdout = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = stderr + chunk.toString();
    const complete = text.slice(0, text.lastIndexOf("\n") + 1);
    stderr = text;
    const fresh = logLines(complete).slice(logs.length);
    for (const log of fresh) {
      logs.push(log);
      onLog(log, logs, child);
    }
  });
  return new Promise<{
    code: number | null;
    signal: string | null;
    logs: Log[];
    stderr: string;
    stdout: string;
  }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, logs, stderr, stdout }));
  });
}

const finished = (logs: Log[]) => logs.filter((l) => l.msg === "sweep finished");

describe("watch", () => {
  it("sweeps on the interval, picks up new expired runs, and exits 0 on SIGTERM", async () => {
    const known = await writeKnownStore(stateDir, "main");
    const lateKey = "agent:main:cron:job2:run:late";
    const result = await watch(["--interval", "1s"], (log, all, child) => {
      if (log.msg !== "sweep finished") return;
      const rounds = finished(all).length;
      if (rounds === 1) {
        // Between rounds, the host adds an expired run; the next round must remove it.
        void readFile(known.storePath, "utf8").then((text) =>
          writeStore(known.storePath, {
            ...JSON.parse(text),
            [lateKey]: { sessionId: "late", updatedAt: Date.now() - 30 * HOUR },
          }),
        );
      }
      // Stop once a later round removed the late run (or give up after a few rounds).
      if ((rounds >= 2 && log.removed === 1) || rounds >= 6) child.kill("SIGTERM");
    });

    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    const rounds = finished(result.logs);
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds[0]).toMatchObject({ sweep: 1, stores: 1, removed: 1, failed: 0 });
    expect(rounds.at(-1)).toMatchObject({ removed: 1, failed: 0 });
    const swept = result.logs.filter((l) => l.msg === "store swept");
    expect(swept[0]).toMatchObject({ sweep: 1, storePath: known.storePath, removed: 1 });
    expect(
      result.logs.some(
        (l) => l.msg === "stopping after the current sweep" && l.signal === "SIGTERM",
      ),
    ).toBe(true);
    expect(result.logs.at(-1)?.msg).toBe("stopped");
    const store = JSON.parse(await readFile(known.storePath, "utf8"));
    expect(store[known.expiredKey]).toBeUndefined();
    expect(store[lateKey]).toBeUndefined();
    expect(store["agent:main:cron:job1:run:r2"]).toBeDefined();
  }, 60_000);

  it("exits 0 on SIGINT; unchanged stores are only stat()ed between rounds", async () => {
    await writeKnownStore(stateDir, "main");
    const result = await watch(["--interval", "1s", "--log-level", "debug"], (log, all, child) => {
      if (log.msg === "sweep finished" && finished(all).length === 3) child.kill("SIGINT");
    });
    expect(result.code).toBe(0);
    const rounds = finished(result.logs);
    expect(rounds.map((r) => r.sweep)).toEqual([1, 2, 3]);
    // Round 1 removes the expired run and remembers the file it wrote; rounds 2 and 3 see that
    // same file (same inode, size, mtime) with nothing due and skip it with a stat only.
    const swept = result.logs.filter((l) => l.msg === "store swept");
    expect(swept.map((l) => [l.sweep, l.removed])).toEqual([[1, 1]]);
    const skipped = result.logs.filter((l) => l.msg === "store skipped");
    expect(skipped.map((l) => [l.sweep, l.skipped])).toEqual([
      [2, "unchanged"],
      [3, "unchanged"],
    ]);
  }, 60_000);

  it("on SIGTERM during a sweep, finishes that sweep and exits 0", async () => {
    await createSampleStateDir({ stateDir, agents: ["a", "b"], entries: 3000 });
    // The signal goes out as soon as watch starts, i.e. while round 1 is still running.
    const result = await watch(["--interval", "1m"], (log, _all, child) => {
      if (log.msg === "watching session stores") child.kill("SIGTERM");
    });
    expect(result.code).toBe(0);
    const rounds = finished(result.logs);
    expect(rounds).toHaveLength(1);
    expect(rounds[0]).toMatchObject({ sweep: 1, stores: 2, failed: 0 });
    expect(rounds[0]?.removed).toBeGreaterThan(0);
    const order = result.logs.map((l) => l.msg);
    expect(order.indexOf("stopping after the current sweep")).toBeGreaterThan(-1);
    expect(order.at(-1)).toBe("stopped");
  }, 60_000);

  it("waits out an interval longer than setTimeout's limit (30d) instead of sweeping at once", async () => {
    await writeKnownStore(stateDir, "main");
    const result = await watch(["--interval", "30d"], (log, _all, child) => {
      // A timer that overflowed would fire after 1 ms and sweep again and again meanwhile.
      if (log.msg === "sweep finished") setTimeout(() => child.kill("SIGTERM"), 1_500);
    });
    expect(result.code).toBe(0);
    expect(finished(result.logs).map((r) => r.sweep)).toEqual([1]);
    expect(result.logs.find((l) => l.msg === "watching session stores")).toMatchObject({
      intervalMs: 30 * DAY,
    });
    expect(result.stderr).not.toContain("TimeoutOverflowWarning");
  }, 60_000);

  it("logs a failing store on every round and keeps running", async () => {
    await writeKnownStore(stateDir, "main");
    const brokenDir = join(stateDir, "agents", "zz", "sessions");
    await mkdir(brokenDir, { recursive: true });
    await writeFile(join(brokenDir, "sessions.json"), "{ broken");
    const result = await watch(["--interval", "1s"], (log, all, child) => {
      if (log.msg === "sweep finished" && finished(all).length === 2) child.kill("SIGTERM");
    });
    expect(result.code).toBe(0);
    const failures = result.logs.filter((l) => l.msg === "store could not be swept");
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ err: { code: "STORE_CORRUPT" } });
    expect(finished(result.logs).map((r) => r.failed)).toEqual([1, 1]);
  }, 60_000);
});
