import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPolicyConfig } from "./load-policy-config";
import { isUsageError } from "./usage-error";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "reaper-cli-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  const path = join(dir, "openclaw.json");
  await writeFile(path, text);
  return path;
}

async function usageMessage(path: string): Promise<string> {
  const error = await loadPolicyConfig(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(isUsageError(error)).toBe(true);
  return (error as Error).message;
}

describe("loadPolicyConfig", () => {
  it("reads the three settings from JSON5 (comments, trailing commas, bare keys)", async () => {
    const path = await configFile(`{
      // OpenClaw config
      cron: { sessionRetention: "2d", maxRunsPerJob: 5, },
      hooks: { sessionRetention: "12" }, // bare number = hours
      gateway: { mode: "local" },
    }`);
    expect(await loadPolicyConfig(path)).toEqual({
      retention: 2 * 86_400_000,
      hookRetention: 12 * 3_600_000,
      maxRunsPerJob: 5,
    });
  });

  it("maps false to off and leaves absent settings out", async () => {
    expect(
      await loadPolicyConfig(await configFile(`{ cron: { sessionRetention: false } }`)),
    ).toEqual({ retention: false });
    expect(await loadPolicyConfig(await configFile("{}"))).toEqual({});
  });

  it("names the file for a missing file and for invalid JSON5", async () => {
    const missing = join(dir, "nope.json");
    expect(await usageMessage(missing)).toBe(`config file ${missing} does not exist`);
    const bad = await configFile("{ cron: ");
    expect(await usageMessage(bad)).toMatch(new RegExp(`config ${bad} is not valid JSON5: `));
  });

  it.each([
    [
      `{ cron: { sessionRetention: "abc" } }`,
      /cron\.sessionRetention "abc" is not a valid duration/,
    ],
    [`{ cron: { sessionRetention: "off" } }`, /cron\.sessionRetention "off".*false to disable/],
    [`{ cron: { sessionRetention: 24 } }`, /cron\.sessionRetention 24 is not a valid duration/],
    [`{ hooks: { sessionRetention: "-1h" } }`, /hooks\.sessionRetention "-1h"/],
    [`{ cron: { maxRunsPerJob: 1.5 } }`, /cron\.maxRunsPerJob 1\.5 must be a whole number/],
    [`{ cron: { maxRunsPerJob: "3" } }`, /cron\.maxRunsPerJob "3" must be a whole number/],
    [`{ cron: "24h" }`, /"cron" must be an object/],
    [`[1, 2]`, /must hold a JSON5 object/],
  ])("rejects %s", async (text, message) => {
    expect(await usageMessage(await configFile(text))).toMatch(message);
  });
});
