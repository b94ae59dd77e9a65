import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIo } from "./cli-io";
import { createCliLogger } from "./create-cli-logger";
import type { LogLevel } from "./log-levels";

/** An io whose stderr collects what the logger writes. */
function captureIo(stderrIsTTY: boolean, env: CliIo["env"] = {}) {
  const chunks: string[] = [];
  const stderr = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const io: CliIo = { stdout: { write: () => true }, stderr, env, cwd: "/", stderrIsTTY };
  return { io, text: () => chunks.join("") };
}

async function logFailure(level: LogLevel, tty: boolean, env: CliIo["env"] = {}) {
  const { io, text } = captureIo(tty, env);
  const logger = await createCliLogger(level, io);
  const error = Object.assign(new Error("store is corrupt"), { code: "STORE_CORRUPT" });
  logger.warn({ storePath: "/s.json", err: error }, "session sweep failed");
  logger.debug({ detail: 1 }, "debug detail");
  logger.flush();
  // pino-pretty hands lines on asynchronously; give it a turn.
  await new Promise((resolve) => setImmediate(resolve));
  return text();
}

describe("createCliLogger", () => {
  it("writes JSON lines without stack traces at warn", async () => {
    const lines = (await logFailure("warn", false)).trim().split("\n");
    expect(lines).toHaveLength(1);
    const log = JSON.parse(lines[0] as string);
    expect(log).toMatchObject({
      level: 40,
      name: "session-reaper",
      msg: "session sweep failed",
      err: { message: "store is corrupt", code: "STORE_CORRUPT" },
    });
    expect(log.err.stack).toBeUndefined();
  });

  it("keeps stack traces and debug lines at debug", async () => {
    const lines = (await logFailure("debug", false)).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string).err.stack).toContain("store is corrupt");
    expect(JSON.parse(lines[1] as string).msg).toBe("debug detail");
  });

  it("pretty-prints on a terminal, in colour unless NO_COLOR is set", async () => {
    const coloured = await logFailure("warn", true);
    expect(coloured).toContain("session sweep failed");
    expect(coloured).toContain("\u001b[");
    expect(coloured.trimStart().startsWith("{")).toBe(false);
    const plain = await logFailure("warn", true, { NO_COLOR: "1" });
    expect(plain).toMatch(/WARN.*session sweep failed/);
    expect(plain).not.toContain("\u001b[");
  });
});
