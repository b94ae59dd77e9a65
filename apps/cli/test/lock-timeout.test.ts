import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempHome, removeTempDir, runBin, snapshotTree, writeKnownStore } from "./helpers";

let home: string;
let stateDir: string;
let holder: ChildProcess | null = null;

beforeEach(async () => {
  ({ home, stateDir } = await createTempHome());
});

afterEach(async () => {
  holder?.kill("SIGKILL");
  holder = null;
  await removeTempDir(home);
});

/** Another process takes the store's lock (the way OpenClaw would) and keeps it until killed. */
function holdLock(storePath: string): Promise<void> {
  const script = `
    import { withStoreLock } from "@session-reaper/store";
    await withStoreLock(${JSON.stringify(storePath)}, () => {
      process.stdout.write("locked\\n");
      // A pending promise alone would let the process end; the timer keeps it (and the lock).
      return new Promise(() => setInterval(() => {}, 1000));
    });`;
  holder = spawn(process.execPath, ["--input-type=module", "-e", script], {
    // Resolve @session-reaper/store the way this app does.
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    holder?.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
    holder?.on("exit", (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
}

describe("a locked store", () => {
  it("times out after --lock-timeout: exit 1, store untouched, the other store swept", async () => {
    const locked = await writeKnownStore(stateDir, "busy");
    const free = await writeKnownStore(stateDir, "free");
    await holdLock(locked.storePath);
    const before = await snapshotTree(locked.dir);

    const result = await runBin(["sweep", "--json", "--lock-timeout", "1s"], { home });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const busy = report.stores.find((s: { agentId: string }) => s.agentId === "busy");
    expect(busy).toMatchObject({ status: "failed", error: { code: "STORE_LOCK_TIMEOUT" } });
    expect(result.stderr).toContain(`${locked.storePath} (STORE_LOCK_TIMEOUT)`);
    // The store and every file beside it (the holder's lock included) are as before.
    const after = await snapshotTree(locked.dir);
    expect(after).toEqual(before);
    expect(JSON.parse(await readFile(free.storePath, "utf8"))[free.expiredKey]).toBeUndefined();
  }, 60_000);
});
