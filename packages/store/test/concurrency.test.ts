import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, spawnFixture } from "./helpers/child";
import { tempFilesIn, useTempDir } from "./helpers/temp-dir";

const WRITERS = 8;
const WRITES_EACH = 200;
const SEEDED_DOOMED = 50;

describe("concurrent writers and a sweeper (SPEC §6)", () => {
  beforeAll(assertBuilt);
  const dir = useTempDir("store-concurrency-");

  it(`loses none of ${WRITERS} x ${WRITES_EACH} updates while another process removes entries`, async () => {
    const store = join(dir(), "sessions.json");
    const seed: Record<string, unknown> = {
      "agent:main:main": { sessionId: "chat", updatedAt: 5 },
    };
    for (let i = 0; i < SEEDED_DOOMED; i++) {
      seed[`agent:main:cron:doomed:run:seed-${i}`] = { sessionId: `seed-${i}`, updatedAt: 1 };
    }
    await writeFile(store, JSON.stringify(seed, null, 2));

    const remover = spawnFixture("remover.mjs", [store, "5"]);
    const writers = Array.from({ length: WRITERS }, (_, id) =>
      spawnFixture("updater.mjs", [store, String(id), String(WRITES_EACH)]),
    );
    const writerStats = await Promise.all(
      writers.map(async (writer) => {
        const exit = await writer.exited;
        expect(exit, writer.stderr()).toEqual({ code: 0, signal: null });
        return JSON.parse(writer.lines[0] ?? "null") as { written: number };
      }),
    );
    remover.send("stop");
    const removerExit = await remover.exited;
    expect(removerExit, remover.stderr()).toEqual({ code: 0, signal: null });
    const sweeper = JSON.parse(remover.lines.at(-1) ?? "null") as {
      passes: number;
      seeded: number;
      removed: number;
      writes: number;
    };

    const final = JSON.parse(await readFile(store, "utf8")) as Record<
      string,
      { sessionId: string }
    >;
    const missing: string[] = [];
    for (let id = 0; id < WRITERS; id++) {
      for (let i = 0; i < WRITES_EACH; i++) {
        const entry = final[`agent:main:writer-${id}:${i}`];
        if (entry?.sessionId !== `w${id}-${i}`) missing.push(`agent:main:writer-${id}:${i}`);
      }
    }
    const doomedLeft = Object.keys(final).filter((key) => key.includes(":doomed:run:"));
    console.log(
      `concurrency: ${writerStats.reduce((n, s) => n + s.written, 0)} updates by ${WRITERS} ` +
        `processes, ${WRITERS * WRITES_EACH - missing.length} present, ${missing.length} lost; ` +
        `sweeper: ${sweeper.passes} passes, ${sweeper.writes} writes, removed ${sweeper.removed} ` +
        `(${SEEDED_DOOMED} seeded up front + ${sweeper.seeded} re-seeded), ${doomedLeft.length} left; ` +
        `final store ${Object.keys(final).length} entries`,
    );
    expect(missing).toEqual([]);
    expect(final["agent:main:main"]).toEqual({ sessionId: "chat", updatedAt: 5 });
    expect(doomedLeft).toEqual([]);
    expect(sweeper.removed).toBe(SEEDED_DOOMED + sweeper.seeded);
    expect(Object.keys(final)).toHaveLength(1 + WRITERS * WRITES_EACH);
    expect(await tempFilesIn(dir())).toEqual([]);
  }, 240_000);
});
