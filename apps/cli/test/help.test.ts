import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDir, runBin } from "./helpers";

let home: string;
beforeAll(async () => {
  home = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(home);
});

describe("help and version", () => {
  it("--version prints the package.json version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    const result = await runBin(["--version"], { home });
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("--help lists the commands, examples and exit codes", async () => {
    const result = await runBin(["--help"], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: session-reaper \[options\] \[command\]/);
    for (const text of ["sweep [options]", "stats [options]", "watch [options]", "Examples:"]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toMatch(
      /Exit codes:\n {2}0 {2}done.*\n {2}1 {2}a store could not be swept.*\n {2}2 {2}usage error/,
    );
  });

  it.each([
    [
      "sweep",
      [
        "--store <path>",
        "--state-dir <dir>",
        "--agent <id>",
        "--all-agents",
        "--dry-run",
        "--json",
      ],
    ],
    ["stats", ["--retention <duration|off>", "--hook-retention <duration|off>", "--json"]],
    ["watch", ["--interval <duration>", "--max-runs-per-job <n|off>", "SIGTERM"]],
  ])("%s --help documents its flags, defaults and exit codes", async (command, flags) => {
    const result = await runBin([command, "--help"], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: session-reaper ${command} [options]`);
    for (const flag of [...flags, "--config <openclaw.json>", "--log-level <level>"]) {
      expect(result.stdout).toContain(flag);
    }
    // Commander wraps descriptions, so match across line breaks.
    const flat = result.stdout.replace(/\s+/g, " ");
    expect(flat).toContain("(default: 24h; bare number = hours)");
    if (command === "watch") expect(flat).toContain("at least 1s (default: 5m)");
    expect(result.stdout).toContain("Examples:");
    expect(result.stdout).toContain("Exit codes:");
  });

  it("`help sweep` is the same as `sweep --help`", async () => {
    const viaHelp = await runBin(["help", "sweep"], { home });
    const viaFlag = await runBin(["sweep", "--help"], { home });
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });
});
