import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifySessionKey } from "./classify-session-key";
import { formatCronRunSessionKey, parseCronRunSessionKey } from "./cron-run-session-key";

describe("parseCronRunSessionKey", () => {
  it.each<[unknown, ReturnType<typeof parseCronRunSessionKey>]>([
    [
      "agent:main:cron:abc-123:run:9f8e",
      { agentId: "main", jobId: "abc-123", runId: "9f8e", baseKey: "agent:main:cron:abc-123" },
    ],
    [
      "AGENT:Main:CRON:J:RUN:R",
      { agentId: "main", jobId: "j", runId: "r", baseKey: "agent:main:cron:j" },
    ],
    [
      " agent:main:cron::job:run:x:thread:t1 ",
      { agentId: "main", jobId: "job", runId: "x", baseKey: "agent:main:cron:job" },
    ],
    ["agent:main:cron:abc-123", null],
    ["agent:main:slack:cron:job:run:x", null],
    ["cron:job:run:x", null],
    ["agent:main:hook:x", null],
    [null, null],
    [undefined, null],
    [false, null],
  ])("%s → %j", (key, expected) => {
    expect(parseCronRunSessionKey(key as string)).toEqual(expected);
  });
});

describe("formatCronRunSessionKey", () => {
  it("builds the canonical, lower-cased key", () => {
    expect(formatCronRunSessionKey({ agentId: "Main", jobId: " job-1 ", runId: "R9" })).toBe(
      "agent:main:cron:job-1:run:r9",
    );
  });

  it.each<[unknown]>([
    [{ agentId: "main", jobId: "a:b", runId: "r" }],
    [{ agentId: "main", jobId: "j", runId: "  " }],
    [{ agentId: "", jobId: "j", runId: "r" }],
    [{ agentId: "main", jobId: "j" }],
    [{ agentId: 1, jobId: "j", runId: "r" }],
    [null],
    [undefined],
    ["agent:main:cron:j:run:r"],
  ])("returns an invalid empty key for %j instead of throwing", (parts) => {
    const key = formatCronRunSessionKey(parts as never);
    expect(key).toBe("");
    expect(classifySessionKey(key)).toBe("invalid");
  });

  it("round-trips through parseCronRunSessionKey for ids made of [a-z0-9-]", () => {
    const id = fc.stringMatching(/^[a-z0-9-]{1,24}$/);
    fc.assert(
      fc.property(id, id, id, (agentId, jobId, runId) => {
        const key = formatCronRunSessionKey({ agentId, jobId, runId });
        expect(parseCronRunSessionKey(key)).toEqual({
          agentId,
          jobId,
          runId,
          baseKey: `agent:${agentId}:cron:${jobId}`,
        });
      }),
      { numRuns: 1000 },
    );
  });
});
