import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "plugin",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The real-host suite installs OpenClaw and starts a Gateway; it runs via `test:openclaw`.
    exclude: ["test/openclaw-e2e.test.ts"],
  },
});
