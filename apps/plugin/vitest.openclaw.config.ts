import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "plugin-openclaw",
    include: ["test/openclaw-e2e.test.ts"],
    // A cold run installs OpenClaw from the npm registry before the Gateway starts.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
