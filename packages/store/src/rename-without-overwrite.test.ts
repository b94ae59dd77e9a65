import { linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { errnoCode } from "./errors";
import { renameWithoutOverwrite } from "./rename-without-overwrite";

/** More links than any file system this runs on allows for one file, if it has a limit. */
const LINK_CAP = 70_000;

/**
 * Gives `file` extra names in `dir` until the file system refuses one more with EMLINK (ext4:
 * 65,000 names per file). Returns false when it never did, up to LINK_CAP names.
 */
function fillLinks(file: string, dir: string): boolean {
  mkdirSync(dir);
  for (let n = 0; n < LINK_CAP; n++) {
    try {
      linkSync(file, join(dir, String(n)));
    } catch (error) {
      if (errnoCode(error) === "EMLINK") return true;
      throw error;
    }
  }
  return false;
}

describe("renameWithoutOverwrite", () => {
  const dir = useTempDir("rename-test-");

  it("links the new name and unlinks the old one, counting past taken names", () => {
    const source = join(dir(), "a.jsonl");
    const target = join(dir(), "a.jsonl.deleted.x");
    writeFileSync(source, "transcript");
    writeFileSync(target, "older archive");
    expect(renameWithoutOverwrite(source, target)).toBe(`${target}.1`);
    expect(readFileSync(`${target}.1`, "utf8")).toBe("transcript");
    expect(readFileSync(target, "utf8")).toBe("older archive");
    expect(statSync(`${target}.1`).nlink).toBe(1);
  });

  it("returns null, and changes nothing, when the source is missing", async () => {
    writeFileSync(join(dir(), "other"), "x");
    expect(renameWithoutOverwrite(join(dir(), "gone.jsonl"), join(dir(), "t"))).toBeNull();
    expect(await readdir(dir())).toEqual(["other"]);
  });

  // A file that cannot get another hard link (EMLINK) takes the path of file systems without
  // hard links: check that the name is free, then rename. Made real here by using up ext4's
  // per-file limit, as no such file system can be mounted in a test. The taken name is still
  // skipped (`link` reports EEXIST before EMLINK); the check before the rename only guards
  // against a name taken in between, which no test can time.
  it("falls back to check-then-rename where no hard link can be made, still never overwriting", async (context) => {
    const source = join(dir(), "a.jsonl");
    const target = join(dir(), "a.jsonl.deleted.x");
    writeFileSync(source, "transcript");
    writeFileSync(target, "older archive");
    if (!fillLinks(source, join(dir(), "links"))) {
      context.skip(`this file system allows over ${LINK_CAP} links per file`);
    }
    const links = statSync(source).nlink;

    expect(renameWithoutOverwrite(source, target)).toBe(`${target}.1`);
    expect(readFileSync(`${target}.1`, "utf8")).toBe("transcript");
    expect(readFileSync(target, "utf8")).toBe("older archive");
    // Renamed, not linked: the file kept exactly the names it had, one of them moved.
    expect(statSync(`${target}.1`).nlink).toBe(links);
    expect((await readdir(dir())).sort()).toEqual(
      ["a.jsonl.deleted.x", "a.jsonl.deleted.x.1", "links"].sort(),
    );
  }, 30_000);
});
