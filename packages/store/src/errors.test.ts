import { describe, expect, it } from "vitest";
import {
  errnoCode,
  isStoreError,
  StoreCorruptError,
  StoreError,
  StoreLockError,
  storeIoError,
} from "./errors";

describe("store errors", () => {
  it("carry a stable code, the path and, for corrupt stores, the byte offset", () => {
    const corrupt = new StoreCorruptError("/s/sessions.json", 17, "unexpected token");
    expect(corrupt.code).toBe("STORE_CORRUPT");
    expect(corrupt.path).toBe("/s/sessions.json");
    expect(corrupt.offset).toBe(17);
    expect(corrupt.message).toContain("byte 17");
    expect(corrupt.message).toContain("left unchanged");
    expect(corrupt).toBeInstanceOf(StoreError);

    const timeout = new StoreLockError("STORE_LOCK_TIMEOUT", "/s", "waited", { waitedMs: 12 });
    expect(timeout.code).toBe("STORE_LOCK_TIMEOUT");
    expect(timeout.waitedMs).toBe(12);
    expect(timeout.name).toBe("StoreLockError");
  });

  it("wraps fs failures as STORE_IO with the cause and the errno code in the message", () => {
    const cause = Object.assign(new Error("permission denied"), { code: "EACCES" });
    const wrapped = storeIoError("/s/sessions.json", "read", cause);
    expect(wrapped.code).toBe("STORE_IO");
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.message).toContain("Could not read /s/sessions.json (EACCES)");
    expect(errnoCode(cause)).toBe("EACCES");
    expect(errnoCode("nope")).toBeUndefined();
  });

  it("isStoreError recognises every class and look-alikes from another copy of the package", () => {
    expect(isStoreError(new StoreCorruptError("/p", 0, "x"))).toBe(true);
    expect(isStoreError(new StoreLockError("STORE_LOCK_COMPROMISED", "/p", "x"))).toBe(true);
    expect(isStoreError(storeIoError("/p", "read", new Error("x")))).toBe(true);
    expect(isStoreError({ code: "STORE_IO", path: "/p" })).toBe(true);
    expect(isStoreError({ code: "ENOENT", path: "/p" })).toBe(false);
    expect(isStoreError({ code: "STORE_IO" })).toBe(false);
    expect(isStoreError(new Error("x"))).toBe(false);
    expect(isStoreError(null)).toBe(false);
  });
});
