import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import * as entry from "./openclaw";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const readJson = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(appDir, name), "utf8")) as Record<string, unknown>;

const manifest = readJson("openclaw.plugin.json");
const validate = new Ajv({ strict: true, allErrors: true }).compile(
  manifest.configSchema as object,
);

// Every `"session-reaper": { ..., "config": {...} }` block in the README's JSON snippets.
function readmeConfigExamples(): unknown[] {
  const readme = readFileSync(join(appDir, "README.md"), "utf8");
  const configs: unknown[] = [];
  for (const match of readme.matchAll(/```json\n([\s\S]*?)```/g)) {
    const snippet = JSON.parse(match[1] ?? "") as {
      plugins?: { entries?: Record<string, { config?: unknown }> };
    };
    const config = snippet.plugins?.entries?.["session-reaper"]?.config;
    if (config !== undefined) configs.push(config);
  }
  return configs;
}

describe("openclaw.plugin.json", () => {
  it("names the plugin, starts it with the Gateway and matches the entry's id", () => {
    expect(manifest.id).toBe("session-reaper");
    expect(manifest.activation).toEqual({ onStartup: true });
    expect(entry.id).toBe(manifest.id);
    expect(manifest.configSchema).toMatchObject({ type: "object", additionalProperties: false });
  });

  it("is what package.json points OpenClaw at", () => {
    const pkg = readJson("package.json") as {
      openclaw?: { extensions?: string[] };
      files?: string[];
      exports?: Record<string, unknown>;
    };
    expect(pkg.openclaw?.extensions).toEqual(["./dist/openclaw.js"]);
    expect(pkg.files).toContain("openclaw.plugin.json");
    expect(pkg.exports?.["./openclaw"]).toEqual({
      types: "./dist/openclaw.d.ts",
      default: "./dist/openclaw.js",
    });
  });

  it("accepts the README's config examples", () => {
    const examples = readmeConfigExamples();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it.each([
    {},
    { retention: "24h" },
    { retention: false, hookRetention: false },
    { retention: "1h30m", hookRetention: "2 days", interval: "30s" },
    { retention: "7d", hookRetention: "48h", maxRunsPerJob: 50, interval: "5m", dryRun: true },
    { retention: "36", interval: "10" },
  ])("accepts %j", (config) => {
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    [{ retension: "24h" }, "additionalProperties"],
    [{ retention: true }, "anyOf"],
    [{ retention: 24 }, "anyOf"],
    [{ retention: "" }, "anyOf"],
    [{ retention: "forever" }, "anyOf"],
    [{ hookRetention: "off" }, "anyOf"],
    [{ maxRunsPerJob: 0 }, "minimum"],
    [{ maxRunsPerJob: 2.5 }, "type"],
    [{ maxRunsPerJob: "3" }, "type"],
    [{ interval: 300 }, "type"],
    [{ interval: false }, "type"],
    [{ dryRun: "yes" }, "type"],
    [null, "type"],
    [["retention"], "type"],
  ])("rejects %j (%s)", (config, keyword) => {
    expect(validate(config)).toBe(false);
    expect(validate.errors?.map((error) => error.keyword)).toContain(keyword);
  });
});
