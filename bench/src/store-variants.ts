import { readFile } from "node:fs/promises";
import { silentLogger, sweepCronRunSessions } from "@session-reaper/core";
import { isCronRunSessionKey } from "@session-reaper/session-key";
import { removeSessionEntries, writeFileAtomic } from "@session-reaper/store";
import { RETENTION_MS } from "./fixture-cache";

/** What one variant did to a store copy (checked against the fixture's expectations). */
export interface VariantOutcome {
  removed: number;
  archived: number;
  archivesRemoved: number;
  error?: string;
}

/** One way of getting from the fixture to the swept store, timed by the harness. */
export interface StoreVariant {
  id: "floor" | "naive" | "remove" | "sweep";
  label: string;
  run(storePath: string, nowMs: number): Promise<VariantOutcome>;
}

const expiredRun = (key: string, updatedAt: number | undefined, nowMs: number) =>
  isCronRunSessionKey(key) && (updatedAt ?? 0) < nowMs - RETENTION_MS;

/** SPEC §5's four variants, in the order the issue numbers them (1 floor … 4 sweep). */
export const STORE_VARIANTS: readonly StoreVariant[] = [
  {
    id: "floor",
    label: "1 floor (read + atomic write)",
    async run(storePath) {
      await writeFileAtomic(storePath, await readFile(storePath));
      return { removed: 0, archived: 0, archivesRemoved: 0 };
    },
  },
  {
    id: "naive",
    label: "2 naive (parse + stringify)",
    async run(storePath, nowMs) {
      const store = JSON.parse(await readFile(storePath, "utf8")) as Record<
        string,
        { updatedAt?: number }
      >;
      let removed = 0;
      for (const [key, entry] of Object.entries(store)) {
        if (expiredRun(key, entry.updatedAt, nowMs)) {
          delete store[key];
          removed++;
        }
      }
      await writeFileAtomic(storePath, JSON.stringify(store, null, 2));
      return { removed, archived: 0, archivesRemoved: 0 };
    },
  },
  {
    id: "remove",
    label: "3 removeSessionEntries",
    async run(storePath, nowMs) {
      // The reaper's own selection: cron runs by age, read from the store's bytes.
      const result = await removeSessionEntries(storePath, {
        olderThan: { cronRunsBefore: nowMs - RETENTION_MS, hooksBefore: null },
      });
      return { removed: result.removed.length, archived: 0, archivesRemoved: 0 };
    },
  },
  {
    id: "sweep",
    label: "4 sweepCronRunSessions (forced)",
    async run(storePath, nowMs) {
      const result = await sweepCronRunSessions({
        cronConfig: { sessionRetention: "24h" },
        sessionStorePath: storePath,
        nowMs,
        log: silentLogger,
        force: true,
      });
      return {
        removed: result.pruned,
        archived: result.archived,
        archivesRemoved: result.archivesRemoved,
        ...(result.error ? { error: `${result.error.code}: ${result.error.message}` } : {}),
      };
    },
  },
];
