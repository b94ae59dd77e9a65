import { readFile } from "node:fs/promises";
import JSON5 from "json5";
import { checkRetention, type Retention } from "./parse-flags";
import { UsageError } from "./usage-error";

/** The reaper settings found in an OpenClaw config file; absent keys are left out. */
export interface ConfigPolicy {
  retention?: Retention;
  hookRetention?: Retention;
  maxRunsPerJob?: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads one section (`cron`, `hooks`) that must be an object when present. */
function section(config: Record<string, unknown>, name: string, path: string) {
  const value = config[name];
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new UsageError(`config ${path}: "${name}" must be an object`);
  return value;
}

/** Validates `<section>.sessionRetention`: a duration string or `false`, as OpenClaw accepts. */
function retentionSetting(value: unknown, key: string, path: string): Retention | undefined {
  if (value === undefined) return undefined;
  if (value === false) return false;
  // "off" is the CLI's spelling; OpenClaw itself would read it as an invalid duration.
  if (typeof value === "string" && value.trim().toLowerCase() !== "off") {
    const checked = checkRetention(value);
    if (checked.ok) return checked.value;
  }
  throw new UsageError(
    `config ${path}: ${key} ${JSON.stringify(value)} is not a valid duration ` +
      '(use a string like "24h" or "7d", a bare number means hours, or false to disable)',
  );
}

/**
 * Reads `cron.sessionRetention`, `cron.maxRunsPerJob` and `hooks.sessionRetention` from an
 * OpenClaw config file (JSON5). Throws {@link UsageError} for a missing or unreadable file,
 * invalid JSON5, or any invalid value — the CLI never falls back to a default silently.
 */
export async function loadPolicyConfig(path: string): Promise<ConfigPolicy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`;
    throw new UsageError(`config file ${path} ${why}`, { cause: error });
  }
  let config: unknown;
  try {
    config = JSON5.parse(text);
  } catch (error) {
    throw new UsageError(`config ${path} is not valid JSON5: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isPlainObject(config)) throw new UsageError(`config ${path} must hold a JSON5 object`);

  const cron = section(config, "cron", path);
  const hooks = section(config, "hooks", path);
  const result: ConfigPolicy = {};
  const retention = retentionSetting(cron.sessionRetention, "cron.sessionRetention", path);
  if (retention !== undefined) result.retention = retention;
  const hookRetention = retentionSetting(hooks.sessionRetention, "hooks.sessionRetention", path);
  if (hookRetention !== undefined) result.hookRetention = hookRetention;
  const maxRuns = cron.maxRunsPerJob;
  if (maxRuns !== undefined) {
    if (typeof maxRuns !== "number" || !Number.isSafeInteger(maxRuns) || maxRuns < 1) {
      throw new UsageError(
        `config ${path}: cron.maxRunsPerJob ${JSON.stringify(maxRuns)} must be a whole number of 1 or more`,
      );
    }
    result.maxRunsPerJob = maxRuns;
  }
  return result;
}
