import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type FixtureStore, generateStore } from "./generate-store";
import { createRandom, type Random } from "./random";

/** Options of {@link createSampleStateDir}. */
export interface SampleStateDirOptions {
  /** Directory to create the OpenClaw layout in (`<stateDir>/agents/<id>/sessions/`). */
  stateDir: string;
  /** Agent ids, one store each (default `["main"]`). */
  agents?: string[];
  /** Entries per store (default 200). */
  entries?: number;
  /** Target bytes per entry (default 700). */
  bytesPerEntry?: number;
  /** PRNG seed (default 1); each agent derives its own from it. */
  seed?: number;
  /** The "current" time the fixture is aged against (default `Date.now()`). */
  nowMs?: number;
}

/** One store written by {@link createSampleStateDir}. */
export interface SampleStore {
  agentId: string;
  storePath: string;
  entries: number;
  /** Size of the written `sessions.json`. */
  bytes: number;
  /** Transcript files written next to the store (one per ten sessions). */
  transcripts: number;
  /** Old `*.deleted.<stamp>` archives written (some older than 24 h, some newer). */
  archives: number;
}

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const HOUR = 3_600_000;
// Archive ages cycle through these; four of six are older than the default 24 h retention, and
// the first four (the minimum count) already hold both kinds.
const ARCHIVE_AGES_MS = [72 * HOUR, 12 * HOUR, 30 * HOUR, 1 * HOUR, 49 * HOUR, 25 * HOUR];
const WRITE_BATCH = 64;

/**
 * Writes a sample OpenClaw state dir: per agent, `sessions.json` (as OpenClaw writes it: 2-space
 * JSON, no trailing newline, mode 0600), one transcript per ten sessions and a few old archives.
 * Throws RangeError for an unsafe agent id and EEXIST if a store file already exists there.
 */
export async function createSampleStateDir(
  options: SampleStateDirOptions,
): Promise<{ stateDir: string; stores: SampleStore[] }> {
  const { stateDir, agents = ["main"], entries = 200, bytesPerEntry = 700, seed = 1 } = options;
  const nowMs = options.nowMs ?? Date.now();
  const stores: SampleStore[] = [];
  for (const [index, agentId] of agents.entries()) {
    if (!AGENT_ID.test(agentId)) {
      throw new RangeError(`createSampleStateDir: unsafe agent id ${JSON.stringify(agentId)}`);
    }
    const agentSeed = (seed + index * 7919) >>> 0;
    const store = generateStore({ entries, bytesPerEntry, seed: agentSeed, nowMs, agentId });
    const storeDir = join(stateDir, "agents", agentId, "sessions");
    await mkdir(storeDir, { recursive: true });
    const storePath = join(storeDir, "sessions.json");
    const text = JSON.stringify(store, null, 2);
    // "wx": never clobber an existing store (someone may point this at a real state dir).
    await writeFile(storePath, text, { mode: 0o600, flag: "wx" });
    const random = createRandom(agentSeed ^ 0x5eed);
    const files = [
      ...transcriptFiles(random, store, storeDir),
      ...archiveFiles(random, storeDir, entries, nowMs),
    ];
    for (let i = 0; i < files.length; i += WRITE_BATCH) {
      const batch = files.slice(i, i + WRITE_BATCH);
      await Promise.all(batch.map((f) => writeFile(f.path, f.text, { mode: 0o600 })));
    }
    stores.push({
      agentId,
      storePath,
      entries: Object.keys(store).length,
      bytes: Buffer.byteLength(text, "utf8"),
      transcripts: files.length - archiveCount(entries),
      archives: archiveCount(entries),
    });
  }
  return { stateDir, stores };
}

function archiveCount(entries: number): number {
  return Math.min(50, Math.max(4, Math.round(entries / 500)));
}

interface FileSpec {
  path: string;
  text: string;
}

/** One transcript per ten distinct sessions, in store order. */
function transcriptFiles(random: Random, store: FixtureStore, storeDir: string): FileSpec[] {
  const seen = new Set<string>();
  const files: FileSpec[] = [];
  for (const entry of Object.values(store)) {
    if (seen.has(entry.sessionId)) continue;
    if (seen.size % 10 === 0) {
      files.push({
        path: join(storeDir, `${entry.sessionId}.jsonl`),
        text: transcriptText(random, entry.sessionId, entry.sessionStartedAt),
      });
    }
    seen.add(entry.sessionId);
  }
  return files;
}

function archiveFiles(random: Random, storeDir: string, entries: number, nowMs: number) {
  return Array.from({ length: archiveCount(entries) }, (_, i): FileSpec => {
    const at = nowMs - (ARCHIVE_AGES_MS[i % ARCHIVE_AGES_MS.length] as number);
    const sessionId = random.uuid();
    const stamp = new Date(at).toISOString().replaceAll(":", "-");
    return {
      path: join(storeDir, `${sessionId}.jsonl.deleted.${stamp}`),
      text: transcriptText(random, sessionId, at - HOUR),
    };
  });
}

/** A short JSON Lines transcript: a session header, a user turn and an assistant turn. */
function transcriptText(random: Random, sessionId: string, startedAt: number): string {
  const at = (offsetMs: number) => new Date(startedAt + offsetMs).toISOString();
  const message = (role: string, text: string, offsetMs: number) => ({
    type: "message",
    id: random.hex(8),
    timestamp: at(offsetMs),
    message: { role, content: [{ type: "text", text }] },
  });
  const lines = [
    { type: "session", version: 3, id: sessionId, timestamp: at(0), cwd: "/home/agent/workspace" },
    message("user", "Run the scheduled check and summarise the results.", 1_000),
    message("assistant", `All good ✅ — ${random.between(1, 40)} items checked.`, 4_000),
  ];
  return `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
}
