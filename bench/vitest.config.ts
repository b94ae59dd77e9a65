import { defineProject } from "vitest/config";

// Generous time-out: the fixture tests write real files on a shared, often busy machine.
export default defineProject({
  test: {
    name: "bench",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
