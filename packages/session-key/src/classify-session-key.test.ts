import { describe, expect, it } from "vitest";
import {
  classifySessionKey,
  isCronRunSessionKey,
  isCronSessionKey,
  isHookSessionKey,
  type SessionKeyKind,
} from "./classify-session-key";

describe("classifySessionKey and the is* predicates", () => {
  it.each<[unknown, SessionKeyKind]>([
    // SPEC §1.3 examples
    ["agent:main:cron:job:run:x", "cron-run"],
    ["agent:main:cron:abc-123:run:9f8e", "cron-run"],
    ["agent:main:cron:job:run:x:thread:x", "cron-run"], // suffix after the run id still counts
    ["cron:job:run:x", "invalid"], // no agent head
    ["agent:main:slack:cron:job:run:x", "other"], // cron not first in rest
    ["agent:main:cron:abc-123", "cron"], // base key
    ["AGENT:Main:CRON:J:RUN:R", "cron-run"],
    ["agent:main:hook:gmail", "hook"],
    // case, whitespace and empty segments
    ["Agent:MAIN:Cron:Job:Run:X", "cron-run"],
    ["agent:main:cron::job:run:x", "cron-run"], // empty segments are dropped
    ["::agent::main:::cron:job::run::x::", "cron-run"],
    ["  agent:main:cron:job:run:x\n", "cron-run"],
    ["\u00a0\ufeffagent:main:hook:x\u2028", "hook"],
    ["agent:main:cron:job:run: ", "cron"], // trailing space is trimmed, so no run id remains
    ["agent:main: :cron:job:run:x", "other"], // " " is a segment, not an empty one
    ["agent: main :cron:job:run:x", "cron-run"],
    ["agent :main:cron:job:run:x", "invalid"], // "agent " is not "agent"
    // cron keys that are not runs
    ["agent:main:cron:job:run", "cron"],
    ["agent:main:cron:job:runs:x", "cron"],
    ["agent:main:cron:job:x:run", "cron"],
    ["agent:main:cron", "other"], // rest "cron" does not start with "cron:"
    ["agent:main:cron:run:run:x", "cron-run"], // a job may be called "run"
    // hook keys: exactly one segment after "hook"
    ["agent:main:hook", "other"],
    ["agent:main:hook:a:b", "other"],
    ["agent:main:HOOK:A", "hook"],
    ["agent:main:hoo\u212A:a", "hook"], // the Kelvin sign lower-cases to "k", as in toLowerCase
    // other and invalid
    ["agent:main:main", "other"],
    ["agent:main:telegram:dm:123", "other"],
    ["agent:main", "invalid"],
    ["agent::main", "invalid"],
    ["agent", "invalid"],
    ["agents:main:cron:j:run:r", "invalid"],
    ["", "invalid"],
    ["   ", "invalid"],
    [":::", "invalid"],
    [null, "invalid"],
    [undefined, "invalid"],
    [42, "invalid"],
    [{}, "invalid"],
    [["agent", "main", "cron", "j", "run", "r"], "invalid"],
    [new String("agent:main:cron:j:run:r"), "invalid"], // only primitive strings are keys
    [Symbol("agent"), "invalid"],
  ])("%s → %s", (key, kind) => {
    const k = key as string;
    expect(classifySessionKey(k)).toBe(kind);
    expect(isCronRunSessionKey(k)).toBe(kind === "cron-run");
    expect(isCronSessionKey(k)).toBe(kind === "cron-run" || kind === "cron");
    expect(isHookSessionKey(k)).toBe(kind === "hook");
  });
});
