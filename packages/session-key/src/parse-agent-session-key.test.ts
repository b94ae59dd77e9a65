import { describe, expect, it } from "vitest";
import { parseAgentSessionKey } from "./parse-agent-session-key";

describe("parseAgentSessionKey", () => {
  it.each<[unknown, { agentId: string; rest: string } | null]>([
    ["agent:main:cron:job:run:x", { agentId: "main", rest: "cron:job:run:x" }],
    ["AGENT:Main:CRON:J:RUN:R", { agentId: "main", rest: "cron:j:run:r" }],
    ["agent:main:cron::job:run:x", { agentId: "main", rest: "cron:job:run:x" }],
    [":agent::ops:slack::dm:42:", { agentId: "ops", rest: "slack:dm:42" }],
    ["  agent:main:main \t", { agentId: "main", rest: "main" }],
    ["agent: Main :a b", { agentId: " main ", rest: "a b" }], // only the whole key is trimmed
    ["agent:ΑΣ:x", { agentId: "ασ", rest: "x" }], // lower-cased as a whole key, like the spec
    ["cron:job:run:x", null],
    ["agent:main", null],
    ["agent:main::", null],
    ["", null],
    [null, null],
    [undefined, null],
    [7, null],
  ])("%s → %j", (key, expected) => {
    expect(parseAgentSessionKey(key as string)).toEqual(expected);
  });
});
