import { discoverSessionStores } from "@session-reaper/store";
import { createMessageLogger, type MessageLogger } from "./create-message-logger";
import { createReaperPlugin, type ReaperPlugin } from "./create-reaper-plugin";
import { type LoadedBackend, loadOpenClawBackend } from "./load-openclaw-backend";
import { resolveOpenClawOptions } from "./resolve-openclaw-options";

/** The parts of OpenClaw's service context (`OpenClawPluginServiceContext`) the service reads. */
export interface OpenClawServiceContext {
  /** The Gateway's state dir; agent stores live under `<stateDir>/agents/<id>/sessions/`. */
  stateDir: string;
  /** The host's whole config; `cron.sessionRetention` / `hooks.sessionRetention` are read. */
  config?: unknown;
  logger: MessageLogger;
}

/** A long-lived OpenClaw plugin service (`OpenClawPluginService`). */
export interface OpenClawService {
  id: string;
  start(ctx: OpenClawServiceContext): Promise<void>;
  stop(ctx?: OpenClawServiceContext): Promise<void>;
}

/** Test seams of {@link createOpenClawService}. */
export interface OpenClawServiceDeps {
  /** Chooses the store backend; default: the host's writer, else the file store. */
  loadBackend?: () => Promise<LoadedBackend>;
  /** Clock of the sweeps; default `Date.now`. */
  now?: () => number;
}

/** Id of the plugin and of its service. */
export const OPENCLAW_PLUGIN_ID = "session-reaper";

/**
 * Creates the Gateway service that sweeps every agent store under `ctx.stateDir` on an unref'd
 * timer, re-listing the agents on each sweep. `start` and `stop` never throw for store
 * problems; they are logged through `ctx.logger`.
 */
export function createOpenClawService(
  pluginConfig: unknown,
  deps: OpenClawServiceDeps = {},
): OpenClawService {
  let plugin: ReaperPlugin | null = null;
  let logger: ReturnType<typeof createMessageLogger> | null = null;
  let starting: Promise<void> | null = null;

  const stopCurrent = async (): Promise<void> => {
    const current = plugin;
    plugin = null;
    if (!current) return;
    await current.stop();
    logger?.info({}, "stopped");
  };

  const startNow = async (ctx: OpenClawServiceContext): Promise<void> => {
    // A restart without a stop must not leave a second timer behind.
    await stopCurrent();
    const log = createMessageLogger(ctx.logger, { prefix: `${OPENCLAW_PLUGIN_ID}: ` });
    logger = log;
    const options = resolveOpenClawOptions(pluginConfig, ctx.config, (message, fields) =>
      log.warn(fields, message),
    );
    const { backend, fallbackReason } = await (deps.loadBackend ?? loadOpenClawBackend)();
    if (fallbackReason) {
      log.warn(
        { backend: backend.name, reason: fallbackReason },
        "host session writer unavailable; using the file store with its own lock",
      );
    }
    const stateDir = ctx.stateDir;
    plugin = createReaperPlugin({
      resolveStores: async () =>
        (await discoverSessionStores({ stateDir })).map((store) => store.storePath),
      cronConfig: options.cronConfig,
      hooksConfig: options.hooksConfig,
      logger: log,
      // The timer paces the sweeps; the plugin's default throttle (half the interval) keeps a
      // timer that fires early from skipping ticks. Unchanged stores cost a stat.
      intervalMs: options.intervalMs,
      backend,
      ...(deps.now ? { now: deps.now } : {}),
      dryRun: options.dryRun,
    });
    plugin.start();
    log.info(
      {
        backend: backend.name,
        stateDir,
        intervalMs: options.intervalMs,
        retention: options.cronConfig.sessionRetention ?? "24h",
        retentionSource: options.retentionSource,
        hookRetention: options.hooksConfig.sessionRetention ?? false,
        hookRetentionSource: options.hookRetentionSource,
        maxRunsPerJob: options.cronConfig.maxRunsPerJob,
        dryRun: options.dryRun,
      },
      "started",
    );
  };

  return {
    id: OPENCLAW_PLUGIN_ID,
    async start(ctx) {
      const run = startNow(ctx);
      starting = run;
      try {
        await run;
      } finally {
        if (starting === run) starting = null;
      }
    },
    async stop() {
      // A stop that arrives while start() is still choosing the backend waits for it, so no
      // timer is left running after the host thinks the service is down.
      await starting?.catch(() => {});
      await stopCurrent();
    },
  };
}
