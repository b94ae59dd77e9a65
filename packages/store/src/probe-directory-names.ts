import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { mapBounded } from "./map-bounded";

/**
 * What a name in a directory is, as far as archiving cares: a regular `file`, something that
 * needs the full path check (`check`: a symlink, an unknown type, or a name that may exist under
 * another letter case), or `none` (missing, a directory, a socket, ...).
 */
export type NameKind = "file" | "check" | "none";

/** Up to this many names, one `lstat` each is cheaper than listing a large directory. */
const LSTAT_LIMIT = 16;

/**
 * Tells what each of `names` (plain file names, no separators; repeats allowed) is inside `dir`:
 * one `readdir` for many names, an `lstat` per distinct name for a few (or when listing fails).
 * Returns a lookup for those names. Never throws.
 */
export async function probeDirectoryNames(
  dir: string,
  names: readonly string[],
  parallel: number,
): Promise<(name: string) => NameKind> {
  if (names.length > LSTAT_LIMIT) {
    const listed = await listDirectory(dir);
    if (listed !== null) return lookUp(listed);
  }
  const distinct = [...new Set(names)];
  const kinds = await mapBounded(distinct, parallel, (name) => lstatKind(join(dir, name)));
  const byName = new Map(distinct.map((name, index) => [name, kinds[index] as NameKind]));
  return (name) => byName.get(name) ?? "none";
}

async function listDirectory(dir: string): Promise<Dirent[] | null> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return null; // e.g. a directory we may traverse but not list: probe name by name instead
  }
}

function lookUp(entries: readonly Dirent[]): (name: string) => NameKind {
  // Nearly every entry is a regular file; the few others keep their kind in a small map.
  const files = new Set<string>();
  const others = new Map<string, NameKind>();
  for (const entry of entries) {
    const kind = direntKind(entry);
    if (kind === "file") files.add(entry.name);
    else others.set(entry.name, kind);
  }
  // On a case-insensitive file system "ABC.jsonl" opens "abc.jsonl", so a name missing from the
  // listing may still exist: then the full check decides. Lower-casing changes only names with
  // foldable characters, so only those are folded (archive stamps have some; transcripts rarely).
  let foldedListed: Set<string> | undefined;
  return (name) => {
    if (files.has(name)) return "file";
    const kind = others.get(name);
    if (kind !== undefined) return kind;
    foldedListed ??= new Set(
      [...files, ...others.keys()]
        .filter((listed) => MAY_FOLD.test(listed))
        .map((listed) => listed.toLowerCase()),
    );
    const lower = MAY_FOLD.test(name) ? name.toLowerCase() : name;
    const foldMatch =
      foldedListed.has(lower) || (lower !== name && (files.has(lower) || others.has(lower)));
    return foldMatch ? "check" : "none";
  };
}

/** Characters that may change under case folding: ASCII upper case and anything non-ASCII. */
const MAY_FOLD = /[A-Z\u0080-\uffff]/;

function direntKind(entry: Dirent): NameKind {
  if (entry.isFile()) return "file";
  if (
    entry.isDirectory() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isCharacterDevice() ||
    entry.isBlockDevice()
  ) {
    return "none";
  }
  return "check"; // a symlink, or a type the file system did not report
}

async function lstatKind(path: string): Promise<NameKind> {
  try {
    const stats = await lstat(path);
    if (stats.isFile()) return "file";
    return stats.isSymbolicLink() ? "check" : "none";
  } catch {
    return "none"; // missing or unreadable: nothing to archive
  }
}
