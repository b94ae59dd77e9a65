import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { entry, HOUR, makeTempDir, storeKeys, waitUntil, writeStore } from "../test/store-fixtures";
import { createOpenClawService, type OpenClawService } from "./create-openclaw-service";
import { loadOpenClawBackend } from "./load-openclaw-backend";
import { register } from "./openclaw";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
let service: OpenClawService | null = null;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await service?.stop();
  service = null;
  await cleanup();
});

function hostContext(config: unknown) {
  const lines: string[] = [];
  return {
    lines,
    ctx: {
      stateDir: dir,
      config,
      logger: {
        debug: (message: string) => lines.push(`debug ${message}`),
        info: (message: string) => lines.push(`info ${message}`),
        warn: (message: string) => lines.push(`warn ${message}`),
        error: (message: string) => lines.push(`error ${message}`),
      },
    },
  };
}

async function seedAgent(agent: string, ageOfRunMs: number): Promise<string> {
  const storePath = join(dir, "agents", agent, "sessions", "sessions.json");
  const now = Date.now();
  await writeStore(storePath, {
    [`agent:${agent}:main`]: entry(`${agent}-chat`, 1000 * HOUR, now),
    [`agent:${agent}:cron:job:run:r`]: entry(`${agent}-run`, ageOfRunMs, now),
  });
  return storePath;
}

describe("createOpenClawService", () => {
  it("sweeps every agent store with the host's retention and falls back to the file store outside the Gateway", async () => {
    const storeA = await seedAgent("alpha", 3 * HOUR);
    const storeB = await seedAgent("beta", 3 * HOUR);
    const { ctx, lines } = hostContext({ cron: { sessionRetention: "2h" } });
    service = createOpenClawService({ interval: "1s" });
    expect(service.id).toBe("session-reaper");

    await service.start(ctx);
    for (const [storePath, agent] of [
      [storeA, "alpha"],
      [storeB, "beta"],
    ] as const) {
      await waitUntil(async () => (await storeKeys(storePath)).length === 1);
      expect(await storeKeys(storePath)).toEqual([`agent:${agent}:main`]);
    }
    await service.stop();

    const text = lines.join("\n");
    expect(text).toMatch(
      /^warn session-reaper: host session writer unavailable; using the file store with its own lock backend=file reason="cannot import openclaw\/plugin-sdk\/session-store-runtime: /m,
    );
    expect(text).toMatch(
      /^info session-reaper: started backend=file stateDir=\S+ intervalMs=1000 retention=2h retentionSource=host hookRetention=false hookRetentionSource=default dryRun=false$/m,
    );
    for (const storePath of [storeA, storeB]) {
      expect(text).toContain(
        `info session-reaper: session sweep removed entries storePath=${storePath} backend=file dryRun=false pruned=1 expired=1 overLimit=0 archived=1`,
      );
    }
    expect(lines.filter((line) => !line.startsWith("debug")).at(-1)).toBe(
      "info session-reaper: stopped",
    );
  });

  it("keeps runs younger than the plugin's own retention and reports bad config values", async () => {
    const storePath = await seedAgent("alpha", 3 * HOUR);
    const { ctx, lines } = hostContext({ cron: { sessionRetention: "1h" } });
    service = createOpenClawService({ retention: "4h", maxRunsPerJob: -1 });
    await service.start(ctx);
    await waitUntil(async () => lines.some((line) => line.includes("session sweep tick finished")));
    await service.stop();
    expect(await storeKeys(storePath)).toEqual(["agent:alpha:cron:job:run:r", "agent:alpha:main"]);
    expect(lines).toContain(
      "warn session-reaper: ignoring maxRunsPerJob: expected an integer of at least 1 value=-1",
    );
  });

  it("sweeps on every tick even when the timer fires early by the clock", async () => {
    const storePath = await seedAgent("alpha", 30 * HOUR);
    const { ctx, lines } = hostContext({});
    // A clock running 1% slow: every 1 s tick looks 990 ms after the previous one, like a
    // timer that fires early by the wall clock. The core's throttle must not skip those ticks.
    const start = Date.now();
    const now = () => start + Math.floor((Date.now() - start) * 0.99);
    service = createOpenClawService({ interval: "1s" }, { now });
    await service.start(ctx);
    const ticks = () => lines.filter((line) => line.includes("session sweep tick finished"));
    await waitUntil(async () => ticks().length >= 3);
    await service.stop();
    expect(await storeKeys(storePath)).toEqual(["agent:alpha:main"]);
    const skips = lines.filter((line) => line.includes("session sweep skipped"));
    expect(skips.length).toBeGreaterThanOrEqual(2);
    for (const line of skips) expect(line).toMatch(/ skipped=unchanged$/);
  });

  it("uses the backend the loader picks and logs its name", async () => {
    await seedAgent("alpha", 30 * HOUR);
    const { ctx, lines } = hostContext({});
    const { backend } = await loadOpenClawBackend(async () => ({
      updateSessionStore: async <T>(
        _path: string,
        mutator: (store: Record<string, unknown>) => T,
      ) => mutator({}),
    }));
    service = createOpenClawService({}, { loadBackend: async () => ({ backend }) });
    await service.start(ctx);
    await service.stop();
    expect(
      lines.some((line) => /^info session-reaper: started backend=openclaw-host /.test(line)),
    ).toBe(true);
    expect(lines.some((line) => line.includes("unavailable"))).toBe(false);
  });
});

describe("register", () => {
  it("registers the service for full loads only", () => {
    const registered: { id: string }[] = [];
    const api = (registrationMode?: string) => ({
      pluginConfig: { interval: "5m" },
      ...(registrationMode ? { registrationMode } : {}),
      registerService: (service: { id: string }) => registered.push(service),
    });
    register(api("discovery"));
    register(api("cli-metadata"));
    expect(registered).toEqual([]);
    register(api("full"));
    register(api());
    expect(registered.map((service) => service.id)).toEqual(["session-reaper", "session-reaper"]);
  });
});
