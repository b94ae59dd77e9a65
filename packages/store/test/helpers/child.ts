import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

/** Fixtures import the built package; fail with a clear message instead of a confusing one. */
export function assertBuilt(): void {
  if (!existsSync(DIST))
    throw new Error(`${DIST} is missing: run \`pnpm build\` in packages/store first`);
}

/** A running fixture script with its stdout split into lines. */
export interface Fixture {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends one line on the child's stdin. */
  send(line: string): void;
  /** Resolves once the child has exited and its output is fully read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnFixture(script: string, args: readonly string[]): Fixture {
  const child = spawn(process.execPath, [`${FIXTURES}${script}`, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const watchers = new Set<() => void>();
  let partial = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    for (const watcher of watchers) watcher();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // "close", not "exit": only then has all of the child's stdout been read.
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  // A child killed before reading its stdin must not crash the test with EPIPE.
  child.stdin?.on("error", () => undefined);

  return {
    child,
    lines,
    stderr: () => stderr,
    send: (line) => child.stdin?.write(`${line}\n`),
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => pattern.test(line));
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(watch);
        };
        const watch = () => void check();
        if (!check()) {
          watchers.add(watch);
          void exited.then(() =>
            setImmediate(() => {
              if (watchers.has(watch) && !check()) {
                cleanup();
                reject(new Error(`child exited before printing ${pattern}; stderr: ${stderr}`));
              }
            }),
          );
        }
      });
    },
  };
}
