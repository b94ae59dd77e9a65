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

/** What the names of one directory are; answers only from what was probed. */
export interface DirectoryProbe {
  kindOf(name: string): NameKind;
  /**
   * `kindOf(stem + suffix)` for the suffix the probe was made for, without building that name
   * (for a stem of ASCII characters; a listing folds letter case per stem).
   */
  kindOfStem(stem: string): NameKind;
}

/** Characters that may change under case folding: ASCII upper case and anything non-ASCII. */
const MAY_FOLD = /[A-Z\u0080-\uffff]/;

/**
 * Lists `dir` once and answers for any name in it; names with `suffix` can also be asked by
 * stem. Null when the directory cannot be listed (probe name by name then). Never throws.
 */
export async function listDirectoryKinds(
  dir: string,
  suffix: string,
): Promise<DirectoryProbe | null> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return null; // e.g. a directory we may traverse but not list
  }
  return new DirectoryListing(entries, suffix);
}

/** Probes a few `names` in `dir` with one `lstat` each (`parallel` at a time). Never throws. */
export async function lstatDirectoryKinds(
  dir: string,
  names: readonly string[],
  suffix: string,
  parallel: number,
): Promise<DirectoryProbe> {
  const distinct = [...new Set(names)];
  const kinds = await mapBounded(distinct, parallel, (name) => lstatKind(join(dir, name)));
  const byName = new Map(distinct.map((name, index) => [name, kinds[index] as NameKind]));
  const kindOf = (name: string) => byName.get(name) ?? "none";
  return { kindOf, kindOfStem: (stem) => kindOf(`${stem}${suffix}`) };
}

class DirectoryListing implements DirectoryProbe {
  /** Keeps this class's object shape alive between sweeps (see StoreLayout.shapeKeeper). */
  static readonly shapeKeeper = new DirectoryListing([], ".jsonl");
  // Nearly every entry is a regular file; the few others keep their kind in a small map. Names
  // with the suffix are also indexed by stem, so callers holding stems build no strings.
  private readonly files = new Set<string>();
  private readonly others = new Map<string, NameKind>();
  private readonly fileStems = new Set<string>();
  private readonly otherStems = new Map<string, NameKind>();
  /** Lower-cased forms of the listed names that lower-casing changes (built on first miss). */
  private folded: Set<string> | undefined;
  private foldedStems: Set<string> | undefined;

  constructor(
    entries: readonly Dirent[],
    private readonly suffix: string,
  ) {
    for (const entry of entries) {
      const { name } = entry;
      const kind = direntKind(entry);
      const stem = name.endsWith(suffix) ? name.slice(0, -suffix.length) : null;
      if (kind === "file") {
        this.files.add(name);
        if (stem !== null) this.fileStems.add(stem);
      } else {
        this.others.set(name, kind);
        if (stem !== null) this.otherStems.set(stem, kind);
      }
    }
  }

  kindOf(name: string): NameKind {
    if (this.files.has(name)) return "file";
    const kind = this.others.get(name);
    if (kind !== undefined) return kind;
    // On a case-insensitive file system "ABC.jsonl" opens "abc.jsonl", so a name missing from
    // the listing may still exist: then the full check decides.
    const lower = MAY_FOLD.test(name) ? name.toLowerCase() : name;
    const foldMatch =
      this.foldedNames().has(lower) ||
      (lower !== name && (this.files.has(lower) || this.others.has(lower)));
    return foldMatch ? "check" : "none";
  }

  kindOfStem(stem: string): NameKind {
    if (this.fileStems.has(stem)) return "file";
    const kind = this.otherStems.get(stem);
    if (kind !== undefined) return kind;
    // As in kindOf: a stem may name a listed file under another letter case. (For an ASCII stem,
    // lower-casing the stem and then adding the suffix is lower-casing the name.)
    const lower = stem.toLowerCase();
    if (this.foldedStemSet().has(lower)) return "check";
    return lower !== stem && (this.fileStems.has(lower) || this.otherStems.has(lower))
      ? "check"
      : "none";
  }

  /** The stems of the lower-cased forms of listed names that lower-casing changes. */
  private foldedStemSet(): Set<string> {
    if (this.foldedStems === undefined) {
      this.foldedStems = new Set();
      for (const name of this.foldedNames()) {
        if (name.endsWith(this.suffix)) this.foldedStems.add(name.slice(0, -this.suffix.length));
      }
    }
    return this.foldedStems;
  }

  private foldedNames(): Set<string> {
    this.folded ??= new Set(
      [...this.files, ...this.others.keys()]
        .filter((name) => MAY_FOLD.test(name))
        .map((name) => name.toLowerCase()),
    );
    return this.folded;
  }
}

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
