import type { Options } from "tsup";

/** Shared tsup options: one ESM entry with declarations, targeting the Node in `engines`. */
export const baseOptions: Options = {
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "node20",
  sourcemap: true,
};
