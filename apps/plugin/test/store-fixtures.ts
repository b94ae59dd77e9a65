import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Fixed clock for unit tests: 2026-02-14T10:30:00.000Z. */
export const NOW = Date.UTC(2026, 1, 14, 10, 30, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A fresh temp dir and a function that removes it. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "session-reaper-plugin-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An OpenClaw-shaped entry `ageMs` older than {@link NOW}, with an opaque payload. */
export function entry(sessionId: string, ageMs: number, nowMs = NOW): Record<string, unknown> {
  return {
    sessionId,
    updatedAt: nowMs - ageMs,
    chatType: "direct",
    payload: { note: `opaque ${sessionId}`, list: [1, 2, 3] },
  };
}

/** Writes a store the way OpenClaw does, plus one transcript per entry. */
export async function writeStore(
  storePath: string,
  entries: Record<string, Record<string, unknown>>,
): Promise<void> {
  await mkdir(dirname(storePath), { recursive: true });
  await writeFile(storePath, JSON.stringify(entries, null, 2), { mode: 0o600 });
  for (const value of Object.values(entries)) {
    if (typeof value.sessionId !== "string") continue;
    await writeFile(join(dirname(storePath), `${value.sessionId}.jsonl`), '{"type":"session"}\n');
  }
}

/** Keys of the store file as it is now. */
export async function storeKeys(storePath: string): Promise<string[]> {
  return Object.keys(JSON.parse(await readFile(storePath, "utf8")) as object).sort();
}

/** File names in the store's directory, sorted. */
export async function storeDirNames(storePath: string): Promise<string[]> {
  return (await readdir(dirname(storePath))).sort();
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `check` every 20 ms until it is true; throws after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A promise with its resolve function, to hold a sweep at a chosen point. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
