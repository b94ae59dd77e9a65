// Real-host end-to-end check: installs OpenClaw (cached outside the workspace), starts a Gateway
// that loads this plugin from apps/plugin, and checks what the sweep did to a seeded state dir.
// Run with the root `pnpm test:openclaw` (it builds the packages first); the root `pnpm test`
// runs it after the other suites. It is not part of this package's own `test` script.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureOpenClawInstalled,
  findFreePort,
  type RunningGateway,
  resolveE2eCacheDir,
  startGateway,
} from "./openclaw-host";

const PLUGIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ARCHIVE_STAMP = /\.deleted\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;

interface SeedEntry {
  key: string;
  sessionId: string;
  ageMs: number;
  sessionFile?: string;
}

// The host reads `cron.sessionRetention: "12h"`; the plugin adds hooks (2h) and a per-job cap (3).
const MAIN_ENTRIES: SeedEntry[] = [
  { key: "agent:main:main", sessionId: "chat-main", ageMs: 90 * DAY },
  { key: "agent:main:telegram:direct:42", sessionId: "chat-tg", ageMs: 40 * DAY },
  { key: "agent:main:cron:job-a", sessionId: "run-a-shared", ageMs: 30 * HOUR },
  { key: "agent:main:cron:job-a:run:r-shared", sessionId: "run-a-shared", ageMs: 30 * HOUR },
  { key: "agent:main:cron:job-a:run:r-13h", sessionId: "run-a-13h", ageMs: 13 * HOUR },
  { key: "agent:main:cron:job-a:run:r-11h", sessionId: "run-a-11h", ageMs: 11 * HOUR },
  { key: "agent:main:cron:job-b:run:r-1", sessionId: "run-b-1", ageMs: 1 * MINUTE },
  { key: "agent:main:cron:job-b:run:r-2", sessionId: "run-b-2", ageMs: 2 * MINUTE },
  { key: "agent:main:cron:job-b:run:r-3", sessionId: "run-b-3", ageMs: 3 * MINUTE },
  { key: "agent:main:cron:job-b:run:r-4", sessionId: "run-b-4", ageMs: 4 * MINUTE },
  {
    key: "agent:main:cron:job-c:run:r-old",
    sessionId: "run-c-old",
    ageMs: 48 * HOUR,
    sessionFile: "run-c-old-custom.jsonl",
  },
  { key: "agent:main:hook:old-hook", sessionId: "hook-old", ageMs: 3 * HOUR },
  { key: "agent:main:hook:new-hook", sessionId: "hook-new", ageMs: 1 * HOUR },
];
const EXPECTED_REMOVED = [
  "agent:main:cron:job-a:run:r-shared",
  "agent:main:cron:job-a:run:r-13h",
  "agent:main:cron:job-b:run:r-4",
  "agent:main:cron:job-c:run:r-old",
  "agent:main:hook:old-hook",
];
const EXPECTED_ARCHIVED = [
  "hook-old.jsonl",
  "run-a-13h.jsonl",
  "run-b-4.jsonl",
  "run-c-old-custom.jsonl",
];

// sessionFile is absolute, as the host writes it: the host treats a relative one as a legacy
// path and rewrites the store at start-up, which would test its migration instead of the sweep.
function entryObject(seed: SeedEntry, nowMs: number, sessionsDir: string): Record<string, unknown> {
  return {
    sessionId: seed.sessionId,
    updatedAt: nowMs - seed.ageMs,
    ...(seed.sessionFile ? { sessionFile: join(sessionsDir, seed.sessionFile) } : {}),
    chatType: "direct",
    // Opaque payload the reaper must carry through untouched.
    reaperE2e: { marker: `keep-${seed.sessionId}`, nested: [1, 2, { deep: true }] },
  };
}

async function seedStore(sessionsDir: string, seeds: SeedEntry[], nowMs: number): Promise<void> {
  await mkdir(sessionsDir, { recursive: true });
  const store: Record<string, unknown> = {};
  for (const seed of seeds) {
    store[seed.key] = entryObject(seed, nowMs, sessionsDir);
    const transcript = join(sessionsDir, seed.sessionFile ?? `${seed.sessionId}.jsonl`);
    await writeFile(transcript, `${JSON.stringify({ type: "session", id: seed.sessionId })}\n`);
  }
  await writeFile(join(sessionsDir, "sessions.json"), JSON.stringify(store, null, 2), {
    mode: 0o600,
  });
}

async function readStore(storePath: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readFile(storePath, "utf8")) as Record<string, Record<string, unknown>>;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the host's ANSI colour codes.
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "");

describe("session-reaper inside a real OpenClaw Gateway", () => {
  let tempRoot = "";
  let gateway: RunningGateway | undefined;
  let stateDir = "";
  let hostLog = "";
  let exitCode: number | null = null;
  let seededAt = 0;
  let opsPruned = false;

  beforeAll(async () => {
    const installStarted = Date.now();
    const cacheDir = resolveE2eCacheDir();
    const host = await ensureOpenClawInstalled(cacheDir);
    const installMs = Date.now() - installStarted;
    if (!existsSync(join(PLUGIN_DIR, "dist", "openclaw.js"))) {
      throw new Error("apps/plugin/dist/openclaw.js is missing: run `pnpm build` in apps/plugin");
    }

    tempRoot = await mkdtemp(join(tmpdir(), "session-reaper-openclaw-"));
    stateDir = join(tempRoot, "state");
    const home = join(tempRoot, "home");
    const tmp = join(tempRoot, "tmp");
    await mkdir(home, { recursive: true });
    await mkdir(tmp, { recursive: true });
    await mkdir(stateDir, { recursive: true });
    const port = await findFreePort();
    const config = {
      gateway: { mode: "local", bind: "loopback", port, auth: { mode: "none" } },
      // Warn-only: the host's own maintenance must not prune the seeded store.
      session: { maintenance: { mode: "warn" } },
      cron: { sessionRetention: "12h" },
      update: { checkOnStart: false },
      logging: { file: join(tempRoot, "openclaw.log") },
      plugins: {
        load: { paths: [PLUGIN_DIR] },
        entries: {
          "session-reaper": {
            enabled: true,
            config: { interval: "2s", hookRetention: "2h", maxRunsPerJob: 3, dryRun: false },
          },
        },
      },
    };
    await writeFile(join(stateDir, "openclaw.json"), JSON.stringify(config, null, 2));
    seededAt = Date.now();
    await seedStore(join(stateDir, "agents", "main", "sessions"), MAIN_ENTRIES, seededAt);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      OPENCLAW_STATE_DIR: stateDir,
      TMPDIR: tmp,
      NO_COLOR: "1",
      LANG: "C.UTF-8",
      // Not NODE_COMPILE_CACHE: with it set, the host's launcher respawns the Gateway behind a
      // wrapper that turns a shutdown slower than ~1 s into a second SIGTERM and exit code 1.
    };
    const started = Date.now();
    gateway = startGateway(host, env);
    try {
      await gateway.waitForOutput(/session-reaper: session sweep removed entries/, 90_000);
      const firstSweepMs = Date.now() - started;

      // An agent that appears while the Gateway runs is picked up by a later sweep.
      const opsStore = join(stateDir, "agents", "ops", "sessions", "sessions.json");
      await seedStore(
        dirname(opsStore),
        [
          { key: "agent:ops:cron:nightly:run:r-old", sessionId: "ops-old", ageMs: 2 * DAY },
          { key: "agent:ops:cron:nightly:run:r-new", sessionId: "ops-new", ageMs: 1 * MINUTE },
        ],
        Date.now(),
      );
      await waitFor(async () => {
        const store = await readStore(opsStore);
        return !("agent:ops:cron:nightly:run:r-old" in store);
      }, 30_000).then(
        () => {
          opsPruned = true;
        },
        () => {},
      );
      exitCode = await gateway.stop();
      hostLog = stripAnsi(gateway.output());
      console.log(
        `[openclaw-e2e] host ${host.installed ? "installed (cold)" : "cached"} in ${installMs} ms; ` +
          `first sweep ${firstSweepMs} ms after spawn; gateway ran ${Date.now() - started} ms`,
      );
    } catch (err) {
      hostLog = stripAnsi(gateway.output());
      await gateway.stop();
      throw err;
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    if (process.env.SESSION_REAPER_E2E_KEEP) console.log(`[openclaw-e2e] kept ${tempRoot}`);
    else if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  });

  it("loads through the host, uses the host's store writer and stops on SIGTERM", () => {
    expect(hostLog).toMatch(/\[plugins\].*session-reaper: started .*backend=openclaw-host/);
    expect(hostLog).toMatch(/session-reaper: started .*retention=12h retentionSource=host/);
    expect(hostLog).not.toMatch(/host session writer unavailable/);
    const sigterm = hostLog.indexOf("received SIGTERM");
    const stopped = hostLog.indexOf("session-reaper: stopped");
    expect(sigterm).toBeGreaterThan(-1);
    expect(stopped).toBeGreaterThan(sigterm);
    expect(exitCode).toBe(0);
  });

  it("removes the expired, over-limit and old hook runs and keeps everything else", async () => {
    const store = await readStore(join(stateDir, "agents", "main", "sessions", "sessions.json"));
    for (const key of EXPECTED_REMOVED) expect(store).not.toHaveProperty([key]);
    const kept = MAIN_ENTRIES.filter((seed) => !EXPECTED_REMOVED.includes(seed.key));
    expect(Object.keys(store).sort()).toEqual(kept.map((seed) => seed.key).sort());
    const sessionsDir = join(stateDir, "agents", "main", "sessions");
    for (const seed of kept) {
      expect(store[seed.key]).toEqual(entryObject(seed, seededAt, sessionsDir));
    }
    const mainStore = join(stateDir, "agents", "main", "sessions", "sessions.json");
    expect(hostLog).toContain(
      `session-reaper: session sweep removed entries storePath=${mainStore} backend=openclaw-host dryRun=false pruned=5 expired=4 overLimit=1 archived=4`,
    );
  });

  it("archives the unreferenced transcripts and leaves the shared one alone", async () => {
    const names = await readdir(join(stateDir, "agents", "main", "sessions"));
    for (const transcript of EXPECTED_ARCHIVED) {
      expect(names).not.toContain(transcript);
      const archives = names.filter((name) => name.startsWith(`${transcript}.deleted.`));
      expect(archives).toHaveLength(1);
      expect(archives[0]).toMatch(ARCHIVE_STAMP);
    }
    expect(names).toContain("run-a-shared.jsonl");
    expect(names.filter((name) => name.startsWith("run-a-shared.jsonl."))).toEqual([]);
    for (const id of ["chat-main", "chat-tg", "run-a-11h", "run-b-1", "run-b-3", "hook-new"]) {
      expect(names).toContain(`${id}.jsonl`);
    }
  });

  it("finds an agent store that appears while the Gateway runs", async () => {
    expect(opsPruned).toBe(true);
    const store = await readStore(join(stateDir, "agents", "ops", "sessions", "sessions.json"));
    expect(Object.keys(store)).toEqual(["agent:ops:cron:nightly:run:r-new"]);
    const names = await readdir(join(stateDir, "agents", "ops", "sessions"));
    expect(names.some((name) => name.startsWith("ops-old.jsonl.deleted."))).toBe(true);
    expect(names).toContain("ops-new.jsonl");
  });
});
