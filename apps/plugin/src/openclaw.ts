import { createOpenClawService, OPENCLAW_PLUGIN_ID } from "./create-openclaw-service";

/** The parts of OpenClaw's plugin API (`OpenClawPluginApi`) this entry uses. */
export interface OpenClawPluginApiLike {
  /** `plugins.entries.session-reaper.config`, already checked against the manifest's schema. */
  pluginConfig?: Record<string, unknown>;
  /** How the host loaded the entry; services belong to `"full"` loads only. */
  registrationMode?: string;
  registerService(service: ReturnType<typeof createOpenClawService>): void;
}

/** Plugin id; must match `openclaw.plugin.json`. */
export const id = OPENCLAW_PLUGIN_ID;
/** Display name shown by `openclaw plugins list`. */
export const name = "Session Reaper";
/** One-line summary shown by the host. */
export const description =
  "Removes finished cron and webhook run sessions after a retention period and archives their transcripts.";

/**
 * OpenClaw entry point: registers the sweeping service. The host may load the entry for
 * discovery too; the service is only registered for full (Gateway) loads. Never throws.
 */
export function register(api: OpenClawPluginApiLike): void {
  if (api.registrationMode !== undefined && api.registrationMode !== "full") return;
  api.registerService(createOpenClawService(api.pluginConfig));
}
