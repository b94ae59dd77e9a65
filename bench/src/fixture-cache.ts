import { cp, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createSampleStateDir } from "./create-sample-state-dir";
import { naiveIsCronRunSessionKey } from "./naive-cron-run-key";

/** Retention the benchmark sweeps with (the reaper's default). */
export const RETENTION_MS = 24 * 3_600_000;

/** Parameters of one benchmark fixture. */
export interface FixtureSpec {
  name: string;
  entries: number;
  bytesPerEntry: number;
  seed: number;
}

/** A generated fixture plus the outcome every variant must reproduce (computed untimed). */
export interface Fixture extends FixtureSpec {
  storeDir: string;
  storePath: string;
  bytes: number;
  generateMs: number;
  /** Cron run keys older than {@link RETENTION_MS} at `nowMs`. */
  expiredRunKeys: number;
  /** The store after removing them, formatted as OpenClaw writes it. */
  expectedAfter: Buffer;
  /** Transcripts a sweep archives: removed sessions no remaining entry references. */
  expectedArchived: number;
  /** Archives whose stamp is older than the retention. */
  expectedArchivesRemoved: number;
  /** When the next kept cron run expires (null if none is kept). */
  nextExpiryAt: number | null;
}

type Store = Record<string, { sessionId?: string; updatedAt?: number }>;
const STAMP = /\.deleted\.(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d(?:\.\d+)?Z)$/;

/**
 * Generates fixtures under `root` once per parameter set and hands out fresh copies of them.
 * Everything lives under `root`; `dispose()` deletes it. Throws what the file system throws.
 */
export function createFixtureCache(root: string, nowMs: number) {
  const fixtures = new Map<string, Promise<Fixture>>();
  let copies = 0;

  async function build(spec: FixtureSpec): Promise<Fixture> {
    const stateDir = join(root, "fixtures", `${spec.entries}x${spec.bytesPerEntry}s${spec.seed}`);
    const start = performance.now();
    const { stores } = await createSampleStateDir({
      stateDir,
      entries: spec.entries,
      bytesPerEntry: spec.bytesPerEntry,
      seed: spec.seed,
      nowMs,
    });
    const generateMs = performance.now() - start;
    const { storePath, bytes } = stores[0] as NonNullable<(typeof stores)[0]>;
    const storeDir = join(stateDir, "agents", "main", "sessions");
    const store = JSON.parse(await readFile(storePath, "utf8")) as Store;
    const removedIds = new Set<string>();
    let nextExpiryAt: number | null = null;
    for (const [key, entry] of Object.entries(store)) {
      if (!naiveIsCronRunSessionKey(key)) continue;
      const expiresAt = (entry.updatedAt ?? 0) + RETENTION_MS;
      if (expiresAt < nowMs) {
        if (entry.sessionId) removedIds.add(entry.sessionId);
        delete store[key];
      } else if (nextExpiryAt === null || expiresAt < nextExpiryAt) {
        nextExpiryAt = expiresAt;
      }
    }
    const expiredRunKeys = spec.entries - Object.keys(store).length;
    for (const entry of Object.values(store))
      if (entry.sessionId) removedIds.delete(entry.sessionId);
    const names = await readdir(storeDir);
    const expectedArchived = names.filter((n) => removedIds.has(n.replace(/\.jsonl$/, ""))).length;
    const expectedArchivesRemoved = names.filter((n) => {
      const m = STAMP.exec(n);
      return m !== null && Date.parse(`${m[1]}:${m[2]}:${m[3]}`) < nowMs - RETENTION_MS;
    }).length;
    return {
      ...spec,
      storeDir,
      storePath,
      bytes,
      generateMs,
      expiredRunKeys,
      expectedAfter: Buffer.from(JSON.stringify(store, null, 2)),
      expectedArchived,
      expectedArchivesRemoved,
      nextExpiryAt,
    };
  }

  return {
    /** The fixture for `spec`, generated on first use. */
    get(spec: FixtureSpec): Promise<Fixture> {
      const id = `${spec.entries}x${spec.bytesPerEntry}s${spec.seed}`;
      let fixture = fixtures.get(id);
      if (!fixture) {
        fixture = build(spec);
        fixtures.set(id, fixture);
      }
      return fixture;
    },
    /** Copies the fixture's store dir (store, transcripts, archives) to a new place. */
    async copy(fixture: Fixture): Promise<{ storePath: string; remove: () => Promise<void> }> {
      const dir = join(root, "work", String(++copies));
      await mkdir(dir, { recursive: true });
      await cp(fixture.storeDir, join(dir, "sessions"), { recursive: true });
      return {
        storePath: join(dir, "sessions", "sessions.json"),
        remove: () => rm(dir, { recursive: true, force: true }),
      };
    },
    /** Deletes every fixture and copy. */
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/** What {@link createFixtureCache} returns. */
export type FixtureCache = ReturnType<typeof createFixtureCache>;
