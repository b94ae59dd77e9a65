import { SCANNER_WASM_BASE64 } from "./scanner-wasm.generated";
import { RECORD_WORDS, StoreLayout } from "./store-layout";

// The WebAssembly store scanner (assembly/scanner.ts): the same layout as the JavaScript scanner
// in about a third of the time (the 13 MB bench store, medians of 40 scans: 8.2–8.6 against
// 22.7–24.0 ms, copying the bytes in included), mostly because it looks for the end of a string
// 16 bytes at a time. The JavaScript scanner stays the reference, the fallback and the one that
// explains errors.

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface ScannerExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapStart(): number;
  stackBytes(): number;
  recordBytes(): number;
  paddingBytes(): number;
  begin(file: number, n: number, recordsAt: number, numbersAt: number, cap: number): number;
  resume(base: number, memberAt: number): void;
  next(): number;
  finished(): number;
  written(): number;
  cursorOffset(): number;
}

/** Members per call of `next`: the records area holds this many. */
const CAPACITY = 4096;
/**
 * The bytes of the file in the scanner's memory at a time: the file is copied in and scanned a
 * window at a time, so that the copy costs a few MB of memory however large the store (a window
 * grows only to hold an entry larger than it).
 */
const WINDOW_BYTES = 4 * 1024 * 1024;
/**
 * The scanner's memory is kept between scans (a fresh one costs page faults: ~5.7 ms for 13 MB
 * against ~0.8 ms for copying the bytes into kept memory) while it is at most this large; after
 * a scan that needed more (an entry larger than this) it is dropped with its instance.
 */
const RETAINED_BYTES = 32 * 1024 * 1024;
const PAGE = 65536;

let compiled: object | null | undefined;
let kept: ScannerExports | null = null;

/** WebAssembly, or undefined where it is unavailable (e.g. node --jitless). */
function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The compiled module, or null where WebAssembly is unavailable or refuses it. */
function scannerModule(): object | null {
  if (compiled === undefined) {
    const api = wasmApi();
    try {
      compiled =
        api === undefined ? null : new api.Module(Buffer.from(SCANNER_WASM_BASE64, "base64"));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function scannerInstance(): ScannerExports | null {
  if (kept !== null) return kept;
  const module = scannerModule();
  const api = wasmApi();
  if (module === null || api === undefined) return null;
  const scanner = new api.Instance(module, {}).exports as ScannerExports;
  // Records of another size would be read wrong: never use such a module.
  if (scanner.recordBytes() !== RECORD_WORDS * 4) compiled = null;
  return compiled === null ? null : scanner;
}

/** What scanStoreLayoutWasm gives instead of a layout. */
export type WasmScanMiss =
  /** The file is not a JSON object: the JavaScript scanner tells why. */
  | "invalid"
  /**
   * An entry has a shape left to the JavaScript scanner: an escaped property name of more than
   * 9 bytes (it may spell a view field's name), more than 1024 nested containers, or an
   * `updatedAt` that is not an integer of at most 15 digits (a float or a huge number, which
   * only JavaScript's own parser reads exactly as JSON.parse does).
   */
  | "left-to-js"
  /** No WebAssembly here (e.g. node --jitless), or its memory cannot hold the file. */
  | "unavailable";

/** Results of the module's `next` other than a count (see assembly/scanner.ts). */
const INVALID = -1;

/**
 * Scans `buf` as scanStoreLayout does, in WebAssembly; for a file it does not scan, says why
 * (see WasmScanMiss) and the caller scans it in JavaScript. `windowBytes`, the size of the
 * windows the file is copied in (see WINDOW_BYTES), is there for tests: any size gives the
 * same result.
 */
export function scanStoreLayoutWasm(
  buf: Buffer,
  windowBytes = WINDOW_BYTES,
): StoreLayout | WasmScanMiss {
  const scanner = scannerInstance();
  if (scanner === null) return "unavailable";
  const result = scanWindows(scanner, buf, Math.max(1, windowBytes));
  kept = scanner.memory.buffer.byteLength <= RETAINED_BYTES ? scanner : null;
  return result;
}

function scanWindows(
  scanner: ScannerExports,
  buf: Buffer,
  windowBytes: number,
): StoreLayout | WasmScanMiss {
  const n = buf.length;
  const recordBytes = scanner.recordBytes();
  const recordsAt = scanner.heapStart() + scanner.stackBytes();
  const numbersAt = recordsAt + CAPACITY * recordBytes;
  const fileAt = numbersAt + CAPACITY * 8;
  const padding = scanner.paddingBytes();
  // The window: bytes [start, start + length) of the file, at fileAt.
  let start = 0;
  let length = Math.min(n, windowBytes);
  const place = (): boolean => {
    const memory = scanner.memory;
    const pages = Math.ceil((fileAt + length + padding) / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) {
      try {
        memory.grow(pages);
      } catch {
        // Past what WebAssembly memory may hold here: a job for the JavaScript scanner.
        return false;
      }
    }
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(buf.subarray(start, start + length), fileAt);
    bytes.fill(0, fileAt + length, fileAt + length + padding);
    return true;
  };
  if (!place()) return "unavailable";
  while (scanner.begin(fileAt, n, recordsAt, numbersAt, CAPACITY) !== 0) {
    // Not an object, or only whitespace in this window.
    if (length === n) return "invalid";
    length = Math.min(n, length * 2);
    if (!place()) return "unavailable";
  }
  const layout = new StoreLayout();
  for (;;) {
    const count = scanner.next();
    const memory = scanner.memory.buffer;
    const words = new Uint32Array(memory, recordsAt, (CAPACITY * recordBytes) >> 2);
    const numbers = new Float64Array(memory, numbersAt, CAPACITY);
    if (count >= 0) {
      layout.addRecords(words, numbers, count);
      if (scanner.finished() === 1) return layout;
      continue;
    }
    if (count !== INVALID) return "left-to-js";
    // Invalid, or a member that runs past the window: keep the members before it, and move the
    // window to it, at least twice as long as what the window held of it.
    layout.addRecords(words, numbers, scanner.written());
    if (start + length === n) return "invalid";
    const from = scanner.cursorOffset();
    length = Math.min(n - from, Math.max(windowBytes, 2 * (start + length - from)));
    start = from;
    if (!place()) return "unavailable";
    scanner.resume(fileAt - start, fileAt);
  }
}
