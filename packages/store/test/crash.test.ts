import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { crashBody, crashContent, type Parity, parityOf } from "./fixtures/crash-content.mjs";
import { assertBuilt, type Fixture, spawnFixture } from "./helpers/child";
import { tempFilesIn, useTempDir } from "./helpers/temp-dir";

const KILLS_PER_LANE = 100;
const LANES = 2; // independent stores, killed in parallel: 200 kills in all
const WARM_WRITERS = 2; // started ahead per lane, so a kill rarely waits for a node start
/** Kills land this long (at most) after a write began: about one 5 MB write and fsync. */
const MAX_DELAY_MS = 80;

const bodies: Record<Parity, Buffer> = {
  even: Buffer.from(crashBody("even")),
  odd: Buffer.from(crashBody("odd")),
};
const contentOf = (gen: number): Buffer => crashContent(gen, bodies[parityOf(gen)]);
const GENERATION = /^\{\n {2}"meta:generation": \{"sessionId": "gen-(\d+)"/;

function lastNumber(lines: readonly string[], prefix: string): number | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line?.startsWith(prefix)) return Number(line.slice(prefix.length));
  }
  return undefined;
}

interface LaneReport {
  kills: number;
  completedWrites: number;
  killedMidWrite: number;
  strayTempFiles: number;
}

/**
 * One store, one writer at a time, SIGKILLed at a random moment. After each kill the store must
 * be byte-for-byte the last completed generation or the one being written. (Both are valid JSON,
 * checked up front, so byte equality is stronger than "it parses".)
 */
async function runLane(dir: string, bodiesDir: string): Promise<LaneReport> {
  const store = join(dir, "sessions.json");
  let onDisk = 0;
  await writeFile(store, contentOf(onDisk));
  const report: LaneReport = { kills: 0, completedWrites: 0, killedMidWrite: 0, strayTempFiles: 0 };
  const spawnWriter = () => spawnFixture("crash-writer.mjs", [store, bodiesDir]);
  const warm: Fixture[] = Array.from({ length: WARM_WRITERS }, spawnWriter);
  for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
    const writer = warm.shift() as Fixture;
    warm.push(spawnWriter());
    await writer.waitForLine(/^ready$/);
    writer.send(`start ${onDisk + 1}`);
    await writer.waitForLine(/^begin /);
    await sleep(Math.random() * MAX_DELAY_MS);
    writer.child.kill("SIGKILL");
    expect((await writer.exited).signal).toBe("SIGKILL");

    const begun = lastNumber(writer.lines, "begin ");
    const done = lastNumber(writer.lines, "done ") ?? onDisk;
    const bytes = await readFile(store);
    const gen = Number(GENERATION.exec(bytes.subarray(0, 100).toString("latin1"))?.[1]);
    const allowed = begun === undefined || begun === done ? [done] : [done, begun];
    expect(allowed, `kill ${kill}: store holds generation ${gen}`).toContain(gen);
    expect(bytes.equals(contentOf(gen)), `kill ${kill}: generation ${gen} is torn`).toBe(true);

    report.kills++;
    report.completedWrites += gen - onDisk;
    if (begun !== undefined && begun !== done) report.killedMidWrite++;
    const strays = await tempFilesIn(dir);
    report.strayTempFiles += strays.length;
    await Promise.all(strays.map((name) => rm(join(dir, name))));
    onDisk = gen;
  }
  for (const writer of warm) writer.child.kill("SIGKILL");
  await Promise.all(warm.map((writer) => writer.exited));
  return report;
}

describe("SIGKILL during atomic rewrites of a 5 MB store (SPEC §6)", () => {
  beforeAll(assertBuilt);
  const dirs = Array.from({ length: LANES }, () => useTempDir("store-crash-"));

  it(`always leaves the old or the new content after ${LANES * KILLS_PER_LANE} kills`, async () => {
    for (const gen of [1, 2]) {
      expect(contentOf(gen).length).toBeGreaterThan(5_000_000);
      expect(() => JSON.parse(contentOf(gen).toString("utf8"))).not.toThrow();
    }
    const bodiesDir = await mkdtemp(join(tmpdir(), "store-crash-bodies-"));
    await writeFile(join(bodiesDir, "even"), bodies.even);
    await writeFile(join(bodiesDir, "odd"), bodies.odd);
    const reports = await Promise.all(dirs.map((dir) => runLane(dir(), bodiesDir))).finally(() =>
      rm(bodiesDir, { recursive: true, force: true }),
    );
    const total = reports.reduce((sum, r) => ({
      kills: sum.kills + r.kills,
      completedWrites: sum.completedWrites + r.completedWrites,
      killedMidWrite: sum.killedMidWrite + r.killedMidWrite,
      strayTempFiles: sum.strayTempFiles + r.strayTempFiles,
    }));
    console.log(
      `crash: ${total.kills} kills survived, ${total.killedMidWrite} of them mid-write; ` +
        `${total.completedWrites} writes completed; ${total.strayTempFiles} stray temp files ` +
        "(tolerated, removed)",
    );
    expect(total.kills).toBe(LANES * KILLS_PER_LANE);
    // The kills must actually land inside writes, or the test proves nothing.
    expect(total.killedMidWrite).toBeGreaterThan(total.kills / 2);
  }, 240_000);
});
