import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { discoverSessionStores, resolveStateDir } from "@session-reaper/store";
import type { CliIo } from "./cli-io";
import type { StoreSelectionOptions } from "./command-options";
import { UsageError } from "./usage-error";

/** One store a command works on. */
export interface StoreTarget {
  storePath: string;
  /** The agent, when the store was found in the OpenClaw layout. */
  agentId: string | null;
}

/** The stores a command works on, and where they were looked for. */
export interface StoreSelection {
  stores: StoreTarget[];
  /** The state dir searched (null with `--store`). */
  stateDir: string | null;
}

async function pathKind(path: string): Promise<"file" | "dir" | "other" | "missing"> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? "file" : stats.isDirectory() ? "dir" : "other";
  } catch {
    return "missing";
  }
}

/** `--store` paths: each must be an existing file; duplicates are dropped. */
async function explicitStores(paths: string[], cwd: string): Promise<StoreSelection> {
  const unique = [...new Set(paths.map((path) => resolve(cwd, path)))];
  for (const path of unique) {
    const kind = await pathKind(path);
    if (kind === "missing") throw new UsageError(`store ${path} does not exist`);
    if (kind !== "file") throw new UsageError(`store ${path} is not a file`);
  }
  return { stores: unique.map((storePath) => ({ storePath, agentId: null })), stateDir: null };
}

/**
 * Resolves `--store` or the OpenClaw layout (`--state-dir`, else `$OPENCLAW_STATE_DIR`, else
 * `~/.openclaw`, filtered by `--agent`). Throws UsageError for a missing store file, a missing
 * state dir, or an `--agent` without a store. An existing state dir without stores is not an error.
 */
export async function resolveStoreTargets(
  options: StoreSelectionOptions,
  io: Pick<CliIo, "cwd" | "env">,
): Promise<StoreSelection> {
  if (options.store) return explicitStores(options.store, io.cwd);

  const explicit = options.stateDir === undefined ? undefined : resolve(io.cwd, options.stateDir);
  const stateDir = resolveStateDir({ ...(explicit ? { stateDir: explicit } : {}), env: io.env });
  const dirKind = await pathKind(stateDir);
  if (dirKind !== "dir") {
    const source = explicit
      ? "--state-dir"
      : io.env.OPENCLAW_STATE_DIR?.trim()
        ? "$OPENCLAW_STATE_DIR"
        : "the default; set --state-dir or $OPENCLAW_STATE_DIR";
    const what = dirKind === "missing" ? "does not exist" : "is not a directory";
    throw new UsageError(`state dir ${stateDir} (${source}) ${what}`);
  }

  const found = await discoverSessionStores({ stateDir, env: io.env });
  let stores = found.map(({ agentId, storePath }) => ({ agentId, storePath }));
  if (options.agent) {
    const wanted = [...new Set(options.agent.map((id) => id.trim().toLowerCase()))];
    const missing = wanted.filter((id) => !found.some((s) => s.agentId.toLowerCase() === id));
    if (missing.length > 0) {
      const known = found.map((s) => s.agentId).join(", ") || "none";
      throw new UsageError(
        `no session store for agent ${missing.join(", ")} in ${join(stateDir, "agents")} (found: ${known})`,
      );
    }
    stores = stores.filter((s) => wanted.includes(s.agentId.toLowerCase()));
  }
  return { stores, stateDir };
}

/** The line printed when a state dir holds no stores (not an error: exit 0). */
export function noStoresMessage(stateDir: string | null): string {
  const pattern = join(stateDir ?? ".", "agents", "*", "sessions", "sessions.json");
  return `No session stores found (looked for ${pattern}); nothing to do.\n`;
}
