import { createFileBackend, type SessionStoreBackend } from "@session-reaper/core";
import {
  createOpenClawHostBackend,
  type HostUpdateSessionStore,
} from "./create-openclaw-host-backend";

/** The SDK module that carries the Gateway's session-store writer. */
export const OPENCLAW_SESSION_STORE_MODULE = "openclaw/plugin-sdk/session-store-runtime";

/** Which backend {@link loadOpenClawBackend} chose, and why it fell back if it did. */
export interface LoadedBackend {
  backend: SessionStoreBackend;
  /** Set when the host's writer could not be used and the file store is used instead. */
  fallbackReason?: string;
}

/**
 * Picks the host's `updateSessionStore` when the host resolves the SDK import for this plugin
 * (it does inside the Gateway), else the file store. `importModule` is for tests. Never throws.
 */
export async function loadOpenClawBackend(
  importModule: (specifier: string) => Promise<unknown> = importHostModule,
): Promise<LoadedBackend> {
  let reason: string;
  try {
    const runtime = (await importModule(OPENCLAW_SESSION_STORE_MODULE)) as {
      updateSessionStore?: unknown;
    } | null;
    const update = runtime?.updateSessionStore;
    if (typeof update === "function") {
      return { backend: createOpenClawHostBackend(update as HostUpdateSessionStore) };
    }
    reason = `${OPENCLAW_SESSION_STORE_MODULE} has no updateSessionStore function`;
  } catch (err) {
    reason = `cannot import ${OPENCLAW_SESSION_STORE_MODULE}: ${
      err instanceof Error ? err.message : String(err)
    }`;
  }
  return { backend: createFileBackend(), fallbackReason: reason };
}

// The specifier is a variable so the bundler leaves the import to run time, where the host's
// resolver maps it for files inside the plugin's directory.
function importHostModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
