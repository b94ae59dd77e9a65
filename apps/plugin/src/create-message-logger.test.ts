import { describe, expect, it } from "vitest";
import { createMessageLogger, formatLogMessage } from "./create-message-logger";

function recordingLogger(withDebug = true) {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return {
    lines,
    target: {
      ...(withDebug ? { debug: record("debug") } : {}),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    },
  };
}

describe("formatLogMessage", () => {
  it("puts the message first and every field after it as key=value", () => {
    expect(
      formatLogMessage({ storePath: "/s/sessions.json", pruned: 3, dryRun: false }, "swept"),
    ).toBe("swept storePath=/s/sessions.json pruned=3 dryRun=false");
  });

  it("quotes strings with spaces, quotes or '=' and writes objects as JSON", () => {
    expect(
      formatLogMessage({
        reason: "not a duration",
        raw: 'a="b"',
        keys: ["k:1", "k:2"],
        none: null,
      }),
    ).toBe('reason="not a duration" raw="a=\\"b\\"" keys=["k:1","k:2"] none=null');
  });

  it("keeps an error's name, message, code and cause", () => {
    const cause = new Error("EACCES");
    const err = Object.assign(new Error("store is corrupt", { cause }), {
      code: "STORE_CORRUPT",
      path: "/x/sessions.json",
    });
    expect(formatLogMessage({ err }, "sweep failed")).toBe(
      'sweep failed err={"name":"Error","message":"store is corrupt","code":"STORE_CORRUPT","path":"/x/sessions.json","cause":{"name":"Error","message":"EACCES"}}',
    );
  });

  it("keeps a store error's own fields (storePath, offset) and an errno error's syscall", () => {
    const cause = Object.assign(new Error("EIO: i/o error, read"), {
      errno: -5,
      code: "EIO",
      syscall: "read",
    });
    const err = Object.assign(new Error("corrupt at byte 17", { cause }), {
      name: "StoreCorruptError",
      code: "STORE_CORRUPT",
      storePath: "/x/sessions.json",
      offset: 17,
      details: { skipped: "objects are left out" },
    });
    expect(formatLogMessage({ err }, "sweep failed")).toBe(
      'sweep failed err={"name":"StoreCorruptError","message":"corrupt at byte 17","code":"STORE_CORRUPT","storePath":"/x/sessions.json","offset":17,"cause":{"name":"Error","message":"EIO: i/o error, read","errno":-5,"code":"EIO","syscall":"read"}}',
    );
  });

  it("accepts pino's other call shapes and skips undefined fields", () => {
    expect(formatLogMessage("just a message")).toBe("just a message");
    expect(formatLogMessage({ a: undefined, b: 1 })).toBe("b=1");
    expect(formatLogMessage(new Error("boom"), "failed")).toBe(
      'failed err={"name":"Error","message":"boom"}',
    );
  });

  it("survives circular fields and bigints", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    expect(formatLogMessage({ loop, big: 10n, ids: new Set(["a"]) }, "odd")).toBe(
      'odd loop="[object Object]" big=10 ids=["a"]',
    );
  });
});

describe("createMessageLogger", () => {
  it("sends each level to the host with the prefix", () => {
    const { lines, target } = recordingLogger();
    const logger = createMessageLogger(target, { prefix: "session-reaper: " });
    logger.debug({ n: 1 }, "d");
    logger.info({ n: 2 }, "i");
    logger.warn({ n: 3 }, "w");
    logger.error({ n: 4 }, "e");
    expect(lines).toEqual([
      "debug session-reaper: d n=1",
      "info session-reaper: i n=2",
      "warn session-reaper: w n=3",
      "error session-reaper: e n=4",
    ]);
  });

  it("drops debug when the host has none and never throws from a failing host logger", () => {
    const { lines, target } = recordingLogger(false);
    const logger = createMessageLogger({
      ...target,
      warn: () => {
        throw new Error("host logger broke");
      },
    });
    logger.debug({}, "hidden");
    expect(() => logger.warn({}, "lost")).not.toThrow();
    logger.info({}, "shown");
    expect(lines).toEqual(["info shown"]);
  });
});
