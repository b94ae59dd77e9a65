import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Fixture, FixtureCache } from "./fixture-cache";

/** Peak RSS of one operation on the fixture, measured in a fresh Node process. */
export interface RssResult {
  mode: "baseline" | "sweep" | "naive";
  /** `process.resourceUsage().maxRSS` of the child, in bytes. */
  maxRssBytes: number;
  /** The child's own VmHWM (Linux), in bytes; a cross-check of maxRSS. */
  highWaterBytes: number | undefined;
  pruned?: number;
  error?: string;
}

/** A small process that spawns the measured children (see rss-child.ts for why). */
export interface RssLauncher {
  run(args: string[]): Promise<string>;
  close(): void;
}

/**
 * Forks the launcher. Call this before the benchmark allocates anything large: children inherit
 * the launcher's RSS as their starting maxRSS. Throws if the child script cannot be forked.
 */
export function startRssLauncher(): RssLauncher {
  // rss-child.js sits next to the bundle this module ends up in (bench/dist).
  const script = fileURLToPath(new URL("./rss-child.js", import.meta.url));
  const child: ChildProcess = fork(script, ["serve"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  child.on("message", (reply: { id: number; stdout: string; error: string | null }) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error) waiter?.reject(new Error(`rss child failed: ${reply.error}`));
    else waiter?.resolve(reply.stdout);
  });
  child.on("exit", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("rss launcher exited"));
    pending.clear();
  });
  return {
    run: (args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, args });
      }),
    close: () => {
      child.disconnect();
    },
  };
}

/**
 * Runs each mode in its own fresh child process on a fresh copy of the fixture and reads the
 * child's peak RSS. Throws if a child fails or prints no result.
 */
export async function measurePeakRss(
  launcher: RssLauncher,
  cache: FixtureCache,
  fixture: Fixture,
  nowMs: number,
): Promise<RssResult[]> {
  const results: RssResult[] = [];
  for (const mode of ["baseline", "sweep", "naive"] as const) {
    const copy = await cache.copy(fixture);
    try {
      const stdout = await launcher.run([mode, copy.storePath, String(nowMs)]);
      const parsed = JSON.parse(stdout) as {
        maxRssKB: number;
        hwmKB?: number;
        pruned?: number;
        error?: string;
      };
      results.push({
        mode,
        maxRssBytes: parsed.maxRssKB * 1024,
        highWaterBytes: parsed.hwmKB === undefined ? undefined : parsed.hwmKB * 1024,
        ...(parsed.pruned === undefined ? {} : { pruned: parsed.pruned }),
        ...(parsed.error === undefined ? {} : { error: parsed.error }),
      });
    } finally {
      await copy.remove();
    }
  }
  return results;
}
