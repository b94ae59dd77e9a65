import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A real session store in a fresh temp dir, laid out like OpenClaw's. */
export interface TempStore {
  root: string;
  dir: string;
  storePath: string;
  write(store: Record<string, unknown>): Promise<void>;
  read(): Promise<Record<string, unknown>>;
  readBytes(): Promise<Buffer>;
  /** Writes `<dir>/<name>` with some content and returns its path. */
  file(name: string, content?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates `agents/<agentId>/sessions/` in a fresh temp dir (no store file yet). */
export async function createTempStore(agentId = "main"): Promise<TempStore> {
  const root = await mkdtemp(join(tmpdir(), "session-reaper-core-"));
  const dir = join(root, "agents", agentId, "sessions");
  await mkdir(dir, { recursive: true });
  const storePath = join(dir, "sessions.json");
  return {
    root,
    dir,
    storePath,
    // OpenClaw's own format: 2-space indent, no trailing newline.
    write: (store) => writeFile(storePath, JSON.stringify(store, null, 2), { mode: 0o600 }),
    read: async () => JSON.parse(await readFile(storePath, "utf8")) as Record<string, unknown>,
    readBytes: () => readFile(storePath),
    async file(name, content = '{"type":"message"}\n') {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The archive stamp SPEC §1.4 prescribes, computed independently of the store package. */
export function expectedStamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replaceAll(":", "-");
}

/** An OpenClaw-shaped entry with opaque extra fields that must survive a sweep. */
export function entry(sessionId: string, updatedAt: number, extra: Record<string, unknown> = {}) {
  return {
    sessionId,
    updatedAt,
    systemSent: true,
    deliveryContext: { channel: "telegram", to: "12345" },
    ...extra,
  };
}
