import { chmod, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isStoreError } from "../src/errors";
import { loadSessionStore } from "../src/load-session-store";
import { readSessionEntryViews } from "../src/read-session-entry-views";
import { removeSessionEntries } from "../src/remove-session-entries";
import { updateSessionStore } from "../src/update-session-store";
import { snapshotFile, useTempDir } from "./helpers/temp-dir";

const VALID =
  '{\n  "agent:main:cron:j:run:r": {\n    "sessionId": "r",\n    "updatedAt": 1\n  }\n}';

/** Texts OpenClaw could meet on disk that JSON.parse rejects or that are not an object. */
const CORPUS: Record<string, string | Buffer> = {
  empty: "",
  "whitespace only": " \n\t\r\n",
  "truncated mid-entry": VALID.slice(0, 40),
  "truncated before the closing brace": VALID.slice(0, -1),
  "top-level array": "[]",
  "array of entries": `[${VALID}]`,
  "top-level null": "null",
  "top-level string": '"sessions"',
  "top-level number": "42",
  "top-level true": "true",
  "trailing garbage": `${VALID}x`,
  "two objects": `${VALID}{}`,
  "byte order mark": `\ufeff${VALID}`,
  NaN: '{"a": {"updatedAt": NaN}}',
  Infinity: '{"a": {"updatedAt": Infinity}}',
  "line comment": `// sessions\n${VALID}`,
  "block comment": '{"a": 1 /* note */}',
  "trailing comma": '{"a": 1,}',
  "single quotes": "{'a': 1}",
  "unquoted key": "{a: 1}",
  "leading zero": '{"a": 01}',
  "hex number": '{"a": 0x10}',
  "bad escape": '{"a": "\\x41"}',
  "raw tab in string": '{"a": "x\ty"}',
  "NUL after the object": `${VALID}\u0000`,
  "binary noise": Buffer.from([0x00, 0xff, 0x13, 0x7b, 0x22, 0xfe, 0x0a]),
};

const FIXED_TIME = new Date("2025-01-02T03:04:05.000Z");

describe("corrupt stores are refused and left byte-for-byte alone (SPEC §4.1, §6)", () => {
  const dir = useTempDir("store-corrupt-");

  it("the corpus really is what JSON.parse rejects or a non-object", () => {
    for (const [name, text] of Object.entries(CORPUS)) {
      let value: unknown;
      try {
        value = JSON.parse(text.toString());
      } catch {
        continue;
      }
      expect(typeof value === "object" && value !== null && !Array.isArray(value), name).toBe(
        false,
      );
    }
  });

  for (const [name, text] of Object.entries(CORPUS)) {
    it(`${name}: every operation fails with STORE_CORRUPT and nothing changes`, async () => {
      const store = join(dir(), "sessions.json");
      await writeFile(store, text);
      await chmod(store, 0o640);
      await utimes(store, FIXED_TIME, FIXED_TIME);
      const before = await snapshotFile(store);

      let mutatorRan = false;
      let selectRan = false;
      const attempts: [string, () => Promise<unknown>][] = [
        ["load", () => loadSessionStore(store)],
        ["load (skipCache)", () => loadSessionStore(store, { skipCache: true })],
        [
          "update",
          () =>
            updateSessionStore(store, (s) => {
              mutatorRan = true;
              s["agent:main:new"] = { sessionId: "n" };
            }),
        ],
        [
          "remove",
          () =>
            removeSessionEntries(store, () => {
              selectRan = true;
              return true;
            }),
        ],
        ["remove (dry run)", () => removeSessionEntries(store, () => true, { dryRun: true })],
        ["read views", () => readSessionEntryViews(store)],
      ];
      for (const [operation, attempt] of attempts) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isStoreError(error) ? error.code : error, `${name}: ${operation}`).toBe(
          "STORE_CORRUPT",
        );
      }
      expect(mutatorRan).toBe(false);
      expect(selectRan).toBe(false);
      expect(await snapshotFile(store)).toEqual(before);
      expect(before.mtimeMs).toBe(FIXED_TIME.getTime());
      // No lock directory or temp file left behind either.
      expect(await readdir(dir())).toEqual(["sessions.json"]);
    });
  }
});
