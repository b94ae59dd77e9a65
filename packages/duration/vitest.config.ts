import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "duration", include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});
