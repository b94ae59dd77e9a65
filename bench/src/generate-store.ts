import { createRandom, type Random } from "./random";
import {
  buildSessionEntry,
  type FixtureEntry,
  type FixtureKeyKind,
  padSessionEntry,
} from "./session-entry";

/** A generated store: session key → entry, in file order. */
export type FixtureStore = Record<string, FixtureEntry>;

/** Options of {@link generateStore}. */
export interface GenerateStoreOptions {
  /** Number of entries (keys) in the store. */
  entries: number;
  /** Target bytes of one `"key": {...},` member in the written file (default 700). */
  bytesPerEntry?: number;
  /** PRNG seed (default 1). Same seed + same `nowMs` → identical store. */
  seed?: number;
  /** The "current" time that ages are relative to (default `Date.now()`). */
  nowMs?: number;
  /** Agent id used in every key (default "main"). */
  agentId?: string;
}

/** Share of each key kind; chat keys take the rest. */
export const KEY_KIND_SHARES = { "cron-run": 0.5, cron: 0.05, hook: 0.1 } as const;
/** Run and hook sessions are spread uniformly over this window, so ~half are older than 24 h. */
export const RUN_AGE_SPREAD_MS = 48 * 3_600_000;
const CHAT_AGE_SPREAD_MS = 14 * 24 * 3_600_000;

const JOB_NAMES = ["daily-digest", "日報まとめ 📊", "inbox triage", "weekly report ✅", "backups"];
const HOOK_NAMES = ["gmail", "github 🐙", "calendar", "webhook"];
const CHAT_NAMES = ["#general", "チーム 🚀", "项目讨论组", "Équipe café ☕", "DM with Zoë", "ops"];

interface Member {
  key: string;
  entry: FixtureEntry;
}

/**
 * Generates an OpenClaw-shaped session store: ~50% cron run keys (updatedAt spread over the
 * last 48 h), 5% base cron keys sharing their newest run's entry, 10% hook keys, the rest chat
 * keys, each entry padded to `bytesPerEntry`. Deterministic per (options); throws RangeError
 * for a negative or non-integer `entries`.
 */
export function generateStore(options: GenerateStoreOptions): FixtureStore {
  const { entries, bytesPerEntry = 700, seed = 1, nowMs = Date.now(), agentId = "main" } = options;
  if (!Number.isSafeInteger(entries) || entries < 0) {
    throw new RangeError(`generateStore: entries must be a non-negative integer, got ${entries}`);
  }
  const random = createRandom(seed);
  const runCount = Math.round(entries * KEY_KIND_SHARES["cron-run"]);
  const baseCount = Math.min(entries - runCount, Math.round(entries * KEY_KIND_SHARES.cron));
  const hookCount = Math.min(
    entries - runCount - baseCount,
    Math.round(entries * KEY_KIND_SHARES.hook),
  );
  const chatCount = entries - runCount - baseCount - hookCount;

  const make = (
    keyOf: string | ((sessionId: string) => string),
    kind: FixtureKeyKind,
    updatedAt: number,
    label: string,
  ): Member => {
    const sessionId = random.uuid();
    const key = typeof keyOf === "string" ? keyOf : keyOf(sessionId);
    const entry = buildSessionEntry(random, {
      key,
      kind,
      sessionId,
      updatedAt,
      label,
      withSessionFile: random.chance(0.2),
    });
    padSessionEntry(random, key, entry, bytesPerEntry);
    return { key, entry };
  };
  const ago = (spreadMs: number): number => nowMs - random.int(spreadMs);

  const members: Member[] = [];
  // Cron jobs: one per base key (at least one so runs have a job); runs are dealt round-robin.
  const jobs = Array.from({ length: Math.max(1, baseCount) }, () => ({
    id: random.uuid(),
    name: random.pick(JOB_NAMES),
    newest: undefined as Member | undefined,
  }));
  for (let i = 0; i < runCount; i++) {
    const job = jobs[i % jobs.length] as (typeof jobs)[number];
    const updatedAt = ago(RUN_AGE_SPREAD_MS);
    // The run id is the session id, as in OpenClaw's isolated cron runs.
    const runKey = (sessionId: string) => `agent:${agentId}:cron:${job.id}:run:${sessionId}`;
    const member = make(runKey, "cron-run", updatedAt, `Cron: ${job.name}`);
    members.push(member);
    if (!job.newest || job.newest.entry.updatedAt < updatedAt) job.newest = member;
  }
  for (const job of jobs.slice(0, baseCount)) {
    const key = `agent:${agentId}:cron:${job.id}`;
    // A cron run writes the same entry under the base key and the run key.
    members.push(
      job.newest
        ? { key, entry: structuredClone(job.newest.entry) }
        : make(key, "cron", ago(RUN_AGE_SPREAD_MS), `Cron: ${job.name}`),
    );
  }
  for (let i = 0; i < hookCount; i++) {
    const key = `agent:${agentId}:hook:${random.uuid()}`;
    members.push(make(key, "hook", ago(RUN_AGE_SPREAD_MS), `Hook: ${random.pick(HOOK_NAMES)}`));
  }
  const chatKeys = new Set<string>();
  while (chatKeys.size < chatCount) chatKeys.add(chatKey(random, agentId, chatKeys.size === 0));
  for (const key of chatKeys) {
    members.push(make(key, "chat", ago(CHAT_AGE_SPREAD_MS), random.pick(CHAT_NAMES)));
  }

  const store: FixtureStore = {};
  for (const { key, entry } of random.shuffle(members)) store[key] = entry;
  return store;
}

function chatKey(random: Random, agentId: string, first: boolean): string {
  if (first) return `agent:${agentId}:main`;
  const digits = () => String(random.between(10_000_000, 999_999_999));
  switch (random.int(5)) {
    case 0:
      return `agent:${agentId}:slack:channel:c${random.hex(8)}`;
    case 1:
      return `agent:${agentId}:telegram:direct:${digits()}`;
    case 2:
      return `agent:${agentId}:discord:channel:${digits()}:thread:${digits()}`;
    case 3:
      return `agent:${agentId}:whatsapp:group:${digits()}@g.us`;
    default:
      return `agent:${agentId}:subagent:${random.uuid()}`;
  }
}
