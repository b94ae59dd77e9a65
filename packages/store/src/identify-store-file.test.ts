import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { identifyStoreFile } from "./identify-store-file";
import { writeFileAtomic } from "./write-file-atomic";

describe("identifyStoreFile", () => {
  const dir = useTempDir();

  it("is null for a missing file and stable while the file is unchanged", async () => {
    const path = join(dir(), "sessions.json");
    expect(await identifyStoreFile(path)).toBeNull();
    await writeFile(path, "{}");
    const first = await identifyStoreFile(path);
    expect(first).toMatch(/^\d+:2:[\d.]+$/);
    expect(await identifyStoreFile(path)).toBe(first);
  });

  it("changes when the store is rewritten atomically, even with the same bytes", async () => {
    const path = join(dir(), "sessions.json");
    await writeFile(path, "{}");
    const first = await identifyStoreFile(path);
    await writeFileAtomic(path, "{}");
    expect(await identifyStoreFile(path)).not.toBe(first);
  });

  it("throws STORE_IO when the path cannot be stat'ed for another reason", async () => {
    const loop = join(dir(), "loop");
    await mkdir(loop);
    // A name longer than NAME_MAX fails with ENAMETOOLONG, not ENOENT.
    await expect(identifyStoreFile(join(loop, "x".repeat(300)))).rejects.toMatchObject({
      code: "STORE_IO",
    });
  });
});
