export { DurationError, type DurationErrorCode, isDurationError } from "./duration-error";
export type { DurationUnit } from "./duration-units";
export { formatDurationMs } from "./format-duration-ms";
export {
  type DurationParseResult,
  type ParseDurationOptions,
  parseDurationMs,
  tryParseDurationMs,
} from "./parse-duration-ms";
