import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { listDirectoryKinds, lstatDirectoryKinds } from "./probe-directory-names";

describe("directory probes", () => {
  const dir = useTempDir();

  /** lower.jsonl, Upper.jsonl, an archive, a link, a dangling link, a directory. */
  async function layout(): Promise<void> {
    await writeFile(join(dir(), "lower.jsonl"), "l");
    await writeFile(join(dir(), "Upper.jsonl"), "u");
    await writeFile(join(dir(), "x.jsonl.deleted.2026-02-14T10-30-00.123Z"), "a");
    await symlink(join(dir(), "lower.jsonl"), join(dir(), "link.jsonl"));
    await symlink(join(dir(), "gone"), join(dir(), "dangling.jsonl"));
    await mkdir(join(dir(), "sub.jsonl"));
  }

  it("a listing tells files, links, directories and case-folded names apart, by name or stem", async () => {
    await layout();
    const probe = await listDirectoryKinds(dir(), ".jsonl");
    expect(probe).not.toBeNull();
    if (!probe) return;
    expect(probe.kindOf("lower.jsonl")).toBe("file");
    expect(probe.kindOfStem("lower")).toBe("file");
    expect(probe.kindOfStem("link")).toBe("check");
    expect(probe.kindOfStem("dangling")).toBe("check");
    expect(probe.kindOfStem("sub")).toBe("none");
    expect(probe.kindOfStem("absent")).toBe("none");
    expect(probe.kindOf("absent.jsonl")).toBe("none");
    // Names that only differ in letter case may be the same file: the full check decides.
    expect(probe.kindOfStem("upper")).toBe("check");
    expect(probe.kindOfStem("LOWER")).toBe("check");
    expect(probe.kindOf("UPPER.jsonl")).toBe("check");
    expect(probe.kindOf("X.JSONL.DELETED.2026-02-14T10-30-00.123Z")).toBe("check");
    // An archive name is not a transcript stem.
    expect(probe.kindOfStem("x")).toBe("none");
  });

  it("per-name lstat probes agree with the listing on exact names", async () => {
    await layout();
    const names = ["lower.jsonl", "link.jsonl", "dangling.jsonl", "sub.jsonl", "absent.jsonl"];
    const probe = await lstatDirectoryKinds(dir(), names, ".jsonl", 2);
    const listing = await listDirectoryKinds(dir(), ".jsonl");
    for (const name of names) expect(probe.kindOf(name), name).toBe(listing?.kindOf(name));
    expect(probe.kindOfStem("lower")).toBe("file");
    expect(probe.kindOf("not-probed.jsonl")).toBe("none");
  });

  it("a directory that cannot be listed gives no listing", async () => {
    expect(await listDirectoryKinds(join(dir(), "missing"), ".jsonl")).toBeNull();
  });
});
