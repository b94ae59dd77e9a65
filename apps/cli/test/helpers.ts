import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The BUILT executable, run the way a user runs it. */
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment for a child: no inherited OpenClaw dir, HOME pointed at a temp dir (so the
 * `~/.openclaw` default never reaches the real home), no colours.
 */
export function childEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: "1", ...extra };
  if (!("OPENCLAW_STATE_DIR" in extra)) delete env.OPENCLAW_STATE_DIR;
  return env;
}

/** Runs `session-reaper <args>` to completion. */
export function runBin(
  args: string[],
  options: { home: string; cwd?: string; env?: Record<string, string> },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd ?? options.home,
        env: childEnv(options.home, options.env),
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: unknown }).code as number | null) : 0;
        resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
      },
    );
  });
}

/** Starts `session-reaper <args>` and leaves it running (for `watch`). */
export function spawnBin(args: string[], options: { home: string }): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.home,
    env: childEnv(options.home),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A fresh temp dir; remove it with {@link removeTempDir}. */
export function makeTempDir(prefix = "reaper-cli-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A temp HOME with the default state dir path inside it (`<home>/.openclaw`, not created). */
export async function createTempHome(): Promise<{ home: string; stateDir: string }> {
  const home = await makeTempDir();
  return { home, stateDir: join(home, ".openclaw") };
}

export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Every file, dir and symlink under `dir` with a content hash: equal snapshots = nothing changed. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string, rel: string): Promise<void> {
    for (const name of (await readdir(current)).sort()) {
      const path = join(current, name);
      const key = rel ? `${rel}/${name}` : name;
      const stats = await lstat(path);
      if (stats.isDirectory()) {
        out[`${key}/`] = "dir";
        await walk(path, key);
      } else if (stats.isSymbolicLink()) {
        out[key] = `link:${await readlink(path)}`;
      } else {
        out[key] = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
      }
    }
  }
  await walk(dir, "");
  return out;
}

/** Writes a store the way OpenClaw does: 2-space JSON, no trailing newline. */
export async function writeStore(path: string, store: Record<string, unknown>): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, JSON.stringify(store, null, 2), { mode: 0o600 });
}

/** ISO stamp of an archive name (`:` → `-`). */
export function archiveStamp(ms: number): string {
  return new Date(ms).toISOString().replaceAll(":", "-");
}

export function storePathOf(stateDir: string, agentId: string): string {
  return join(stateDir, "agents", agentId, "sessions", "sessions.json");
}

/**
 * A small hand-made agent store with known outcomes under the default policy (cron runs 24 h,
 * hooks off): exactly one expired run (with a transcript), one old archive to delete, and
 * files the reaper must leave alone.
 */
export async function writeKnownStore(stateDir: string, agentId: string, nowMs = Date.now()) {
  const storePath = storePathOf(stateDir, agentId);
  const dir = join(storePath, "..");
  const store = {
    [`agent:${agentId}:cron:job1:run:r1`]: {
      sessionId: `${agentId}-old`,
      updatedAt: nowMs - 48 * HOUR,
      model: "x",
    },
    [`agent:${agentId}:cron:job1:run:r2`]: { sessionId: `${agentId}-new`, updatedAt: nowMs - HOUR },
    [`agent:${agentId}:cron:job1`]: { sessionId: `${agentId}-new`, updatedAt: nowMs - HOUR },
    [`agent:${agentId}:hook:gmail`]: { sessionId: `${agentId}-hook`, updatedAt: nowMs - 72 * HOUR },
    [`agent:${agentId}:main`]: { sessionId: `${agentId}-chat`, updatedAt: nowMs - 100 * HOUR },
  };
  await writeStore(storePath, store);
  const oldArchive = join(dir, `gone.jsonl.deleted.${archiveStamp(nowMs - 3 * DAY)}`);
  const newArchive = join(dir, `recent.jsonl.deleted.${archiveStamp(nowMs - HOUR)}`);
  const files = {
    expiredTranscript: join(dir, `${agentId}-old.jsonl`),
    keptTranscript: join(dir, `${agentId}-new.jsonl`),
    hookTranscript: join(dir, `${agentId}-hook.jsonl`),
    oldArchive,
    newArchive,
    backup: join(dir, "sessions.json.bak.1700000000000"),
    temp: join(dir, "sessions.json.1234.tmp"),
  };
  for (const path of Object.values(files)) await writeFile(path, `{"type":"session"}\n`);
  return { agentId, storePath, dir, store, files, expiredKey: `agent:${agentId}:cron:job1:run:r1` };
}

/** Parses pino JSON lines from stderr (non-JSON lines are ignored). */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
