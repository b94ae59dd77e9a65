import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSampleStateDir } from "./create-sample-state-dir";
import { generateStore } from "./generate-store";

const NOW = Date.UTC(2026, 1, 14, 10, 30);
const STAMP = /\.deleted\.(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d\.\d{3}Z)$/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-sample-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createSampleStateDir", () => {
  it("writes one OpenClaw-format store per agent with transcripts and old archives", async () => {
    const result = await createSampleStateDir({
      stateDir: dir,
      agents: ["main", "ops"],
      entries: 400,
      seed: 3,
      nowMs: NOW,
    });
    expect(result.stateDir).toBe(dir);
    expect(result.stores.map((s) => s.agentId)).toEqual(["main", "ops"]);
    for (const store of result.stores) {
      expect(store.storePath).toBe(join(dir, "agents", store.agentId, "sessions", "sessions.json"));
      const text = await readFile(store.storePath, "utf8");
      expect(text.endsWith("}")).toBe(true); // no trailing newline
      const parsed = JSON.parse(text) as Record<string, { sessionId: string }>;
      expect(JSON.stringify(parsed, null, 2)).toBe(text);
      expect(Object.keys(parsed)).toHaveLength(400);
      expect(store.entries).toBe(400);
      expect(store.bytes).toBe((await stat(store.storePath)).size);
      expect((await stat(store.storePath)).mode & 0o777).toBe(0o600);

      const names = await readdir(join(dir, "agents", store.agentId, "sessions"));
      const transcripts = names.filter((n) => n.endsWith(".jsonl"));
      const distinct = new Set(Object.values(parsed).map((e) => e.sessionId)).size;
      expect(transcripts).toHaveLength(Math.ceil(distinct / 10));
      expect(store.transcripts).toBe(transcripts.length);
      for (const name of transcripts) {
        expect(distinct).toBeGreaterThan(0);
        expect(Object.values(parsed).some((e) => `${e.sessionId}.jsonl` === name)).toBe(true);
        const lines = (await readFile(join(dir, "agents", store.agentId, "sessions", name), "utf8"))
          .trimEnd()
          .split("\n");
        expect(lines.length).toBeGreaterThanOrEqual(3);
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      }

      const archives = names.filter((n) => STAMP.test(n));
      expect(archives).toHaveLength(store.archives);
      const ages = archives.map((n) => {
        const [, day, min, rest] = STAMP.exec(n) as RegExpExecArray;
        return NOW - Date.parse(`${day}:${min}:${rest}`);
      });
      expect(ages.some((a) => a > 24 * 3_600_000)).toBe(true);
      expect(ages.some((a) => a < 24 * 3_600_000)).toBe(true);
    }
  });

  it("writes exactly the store generateStore produces for the same seed", async () => {
    const { stores } = await createSampleStateDir({
      stateDir: dir,
      entries: 50,
      seed: 9,
      nowMs: NOW,
    });
    const expected = generateStore({ entries: 50, seed: 9, nowMs: NOW, agentId: "main" });
    expect(await readFile(stores[0]?.storePath as string, "utf8")).toBe(
      JSON.stringify(expected, null, 2),
    );
  });

  it("refuses to overwrite an existing store and rejects unsafe agent ids", async () => {
    await createSampleStateDir({ stateDir: dir, entries: 20, nowMs: NOW });
    const storePath = join(dir, "agents", "main", "sessions", "sessions.json");
    const before = await readFile(storePath, "utf8");
    await expect(
      createSampleStateDir({ stateDir: dir, entries: 30, seed: 2, nowMs: NOW }),
    ).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(storePath, "utf8")).toBe(before);
    await expect(createSampleStateDir({ stateDir: dir, agents: ["../x"] })).rejects.toThrow(
      RangeError,
    );
    expect(await readdir(dir)).toEqual(["agents"]);
  });
});
