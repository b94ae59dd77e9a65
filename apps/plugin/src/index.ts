export {
  createMessageLogger,
  formatLogMessage,
  type MessageLogger,
  type MessageLoggerOptions,
} from "./create-message-logger";
export {
  createOpenClawHostBackend,
  type HostUpdateSessionStore,
  OPENCLAW_HOST_BACKEND,
} from "./create-openclaw-host-backend";
export {
  createOpenClawService,
  OPENCLAW_PLUGIN_ID,
  type OpenClawService,
  type OpenClawServiceContext,
  type OpenClawServiceDeps,
} from "./create-openclaw-service";
export {
  createReaperPlugin,
  DEFAULT_PLUGIN_INTERVAL_MS,
  type ReaperPlugin,
  type ReaperPluginOptions,
} from "./create-reaper-plugin";
export {
  type LoadedBackend,
  loadOpenClawBackend,
  OPENCLAW_SESSION_STORE_MODULE,
} from "./load-openclaw-backend";
export {
  DEFAULT_INTERVAL_MS,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  type OpenClawReaperConfig,
  type ResolvedOpenClawOptions,
  resolveOpenClawOptions,
  type SettingSource,
} from "./resolve-openclaw-options";
