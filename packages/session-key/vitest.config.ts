import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "session-key", include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});
