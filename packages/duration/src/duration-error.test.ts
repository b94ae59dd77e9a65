import { describe, expect, it } from "vitest";
import { DurationError, isDurationError } from "./duration-error";

describe("DurationError", () => {
  it("carries code, input, name and an optional cause", () => {
    const cause = new Error("root");
    const error = new DurationError("DURATION_INVALID", "bad", { input: 42, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "DurationError", code: "DURATION_INVALID", input: 42 });
    expect(error.cause).toBe(cause);
    expect(new DurationError("DURATION_EMPTY", "empty", { input: "" })).not.toHaveProperty("cause");
  });

  it("isDurationError recognises instances and look-alikes from another copy of the package", () => {
    expect(isDurationError(new DurationError("DURATION_EMPTY", "x", { input: "" }))).toBe(true);
    const foreign = Object.assign(new Error("x"), {
      name: "DurationError",
      code: "DURATION_OUT_OF_RANGE",
    });
    expect(isDurationError(foreign)).toBe(true);
    expect(isDurationError(Object.assign(new Error("x"), { code: "DURATION_INVALID" }))).toBe(
      false,
    );
    expect(isDurationError({ name: "DurationError", code: "OTHER" })).toBe(false);
    expect(isDurationError(null)).toBe(false);
    expect(isDurationError("DurationError")).toBe(false);
  });
});
