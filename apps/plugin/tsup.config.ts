import { defineConfig } from "tsup";
import { baseOptions } from "../../tsup.base";

// Two entries: the host-agnostic adapter and the OpenClaw plugin entry that the
// manifest's `openclaw.extensions` points at.
export default defineConfig({ ...baseOptions, entry: ["src/index.ts", "src/openclaw.ts"] });
