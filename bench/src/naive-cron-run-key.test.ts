import { describe, expect, it } from "vitest";
import { naiveIsCronRunSessionKey } from "./naive-cron-run-key";

// The reference the micro-benchmark checks the library against must itself follow SPEC §1.3.
describe("naiveIsCronRunSessionKey", () => {
  it.each([
    "agent:main:cron:job:run:r1",
    "agent:main:cron:job:run:r1:thread:x",
    "AGENT:Main:CRON:J:RUN:R",
    "  agent:main:cron:job:run:r1  ",
    "agent::main:cron::job:run:r1:",
  ])("accepts %j", (key) => expect(naiveIsCronRunSessionKey(key)).toBe(true));

  it.each([
    "cron:job:run:x",
    "agent:main:slack:cron:job:run:x",
    "agent:main:cron:abc-123",
    "agent:main:cron:job:run",
    "agent:main:hook:h1",
    "agent:main",
    "",
    null,
    undefined,
  ])("rejects %j", (key) => expect(naiveIsCronRunSessionKey(key)).toBe(false));
});
