export {
  createMessageLogger,
  formatLogMessage,
  type MessageLogger,
  type MessageLoggerOptions,
} from "./create-message-logger";
export {
  createReaperPlugin,
  DEFAULT_PLUGIN_INTERVAL_MS,
  type ReaperPlugin,
  type ReaperPluginOptions,
} from "./create-reaper-plugin";
export {
  DEFAULT_INTERVAL_MS,
  MIN_INTERVAL_MS,
  type OpenClawReaperConfig,
  type ResolvedOpenClawOptions,
  resolveOpenClawOptions,
  type SettingSource,
} from "./resolve-openclaw-options";
