import { readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { errnoCode, storeIoError } from "./errors";

/** Where the OpenClaw state lives: an explicit dir or the environment. */
export interface StateDirOptions {
  /** Explicit state directory; wins over the environment. */
  stateDir?: string;
  /** Environment to read `OPENCLAW_STATE_DIR` and `HOME` from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

/** One agent's session store found under a state directory. */
export interface SessionStoreLocation {
  agentId: string;
  storePath: string;
}

/** The OpenClaw state directory: `stateDir`, else `$OPENCLAW_STATE_DIR`, else `~/.openclaw`. Never throws. */
export function resolveStateDir(options: StateDirOptions = {}): string {
  const env = options.env ?? process.env;
  const home = env.HOME?.trim() || homedir();
  const explicit = options.stateDir?.trim() || env.OPENCLAW_STATE_DIR?.trim();
  if (!explicit) return join(home, ".openclaw");
  // `~` is expanded the way a shell would, since env values often come from config files.
  if (explicit === "~") return home;
  if (explicit.startsWith("~/")) return join(home, explicit.slice(2));
  return resolve(explicit);
}

/**
 * Lists the existing `<stateDir>/agents/<agentId>/sessions/sessions.json` files, sorted by
 * agentId. Missing state dir → []. Throws StoreError STORE_IO if the agents dir cannot be read.
 */
export async function discoverSessionStores(
  options: StateDirOptions = {},
): Promise<SessionStoreLocation[]> {
  const agentsDir = join(resolveStateDir(options), "agents");
  let agentIds: string[];
  try {
    agentIds = await readdir(agentsDir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw storeIoError(agentsDir, "list", error);
  }
  const found: SessionStoreLocation[] = [];
  for (const agentId of agentIds.sort()) {
    const storePath = join(agentsDir, agentId, "sessions", "sessions.json");
    if (await isFile(storePath)) found.push({ agentId, storePath });
  }
  return found;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
