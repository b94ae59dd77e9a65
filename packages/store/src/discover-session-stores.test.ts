import { mkdir, symlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { discoverSessionStores, resolveStateDir } from "./discover-session-stores";
import { isStoreError } from "./errors";

describe("resolveStateDir", () => {
  it("prefers stateDir, then $OPENCLAW_STATE_DIR, then ~/.openclaw", () => {
    const env = { OPENCLAW_STATE_DIR: "/srv/claw", HOME: "/home/u" };
    expect(resolveStateDir({ stateDir: "/explicit", env })).toBe("/explicit");
    expect(resolveStateDir({ env })).toBe("/srv/claw");
    expect(resolveStateDir({ env: { HOME: "/home/u" } })).toBe("/home/u/.openclaw");
    expect(resolveStateDir({ env: { HOME: "/home/u", OPENCLAW_STATE_DIR: "  " } })).toBe(
      "/home/u/.openclaw",
    );
    expect(resolveStateDir({ env: {} })).toBe(join(homedir(), ".openclaw"));
  });

  it("expands ~ and resolves relative paths", () => {
    const env = { HOME: "/home/u" };
    expect(resolveStateDir({ stateDir: "~/state", env })).toBe("/home/u/state");
    expect(resolveStateDir({ env: { ...env, OPENCLAW_STATE_DIR: "~" } })).toBe("/home/u");
    expect(resolveStateDir({ stateDir: "rel", env })).toBe(join(process.cwd(), "rel"));
  });
});

describe("discoverSessionStores", () => {
  const dir = useTempDir();

  it("lists existing agents/<id>/sessions/sessions.json files sorted by agentId", async () => {
    for (const agent of ["zeta", "main", "ops"]) {
      await mkdir(join(dir(), "agents", agent, "sessions"), { recursive: true });
    }
    await writeFile(join(dir(), "agents", "zeta", "sessions", "sessions.json"), "{}");
    await writeFile(join(dir(), "agents", "main", "sessions", "sessions.json"), "{}");
    // "ops" has a sessions dir but no store; a stray file in agents/ is not an agent.
    await writeFile(join(dir(), "agents", "README"), "x");
    await mkdir(join(dir(), "agents", "dirstore", "sessions", "sessions.json"), {
      recursive: true,
    });

    expect(await discoverSessionStores({ stateDir: dir() })).toEqual([
      { agentId: "main", storePath: join(dir(), "agents", "main", "sessions", "sessions.json") },
      { agentId: "zeta", storePath: join(dir(), "agents", "zeta", "sessions", "sessions.json") },
    ]);
    expect(await discoverSessionStores({ env: { OPENCLAW_STATE_DIR: dir() } })).toHaveLength(2);
  });

  it("returns [] for a missing state dir", async () => {
    expect(await discoverSessionStores({ stateDir: join(dir(), "missing") })).toEqual([]);
  });

  it("fails with STORE_IO when the agents dir exists but cannot be listed", async () => {
    await symlink(join(dir(), "agents"), join(dir(), "agents")); // ELOOP
    const error = await discoverSessionStores({ stateDir: dir() }).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
  });
});
