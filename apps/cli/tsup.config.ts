import { defineConfig } from "tsup";
import { baseOptions } from "../../tsup.base";

// Two entries: the library surface (with types) and the executable. Commands are split into
// chunks so `--help` does not load the sweep machinery.
export default defineConfig({
  ...baseOptions,
  entry: ["src/index.ts", "src/bin.ts"],
  dts: { entry: "src/index.ts" },
  splitting: true,
});
