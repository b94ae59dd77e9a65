import { defineConfig } from "tsup";
import { baseOptions } from "../tsup.base";

// The library entry (fixture generator) gets declarations; the CLIs are plain scripts.
export default defineConfig({
  ...baseOptions,
  entry: ["src/index.ts", "src/run.ts", "src/generate.ts", "src/rss-child.ts", "src/profile.ts"],
  dts: { entry: "src/index.ts" },
});
