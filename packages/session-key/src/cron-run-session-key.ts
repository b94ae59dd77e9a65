import { nextSegment, segmentEnd, skipColons } from "./key-segments";
import { KIND_CRON_RUN, scanSessionKey } from "./scan-session-key";

/** The ids a cron run key is made of. */
export interface CronRunSessionKeyParts {
  agentId: string;
  jobId: string;
  runId: string;
}

/** A parsed cron run key; `baseKey` is the job's base key `agent:<agentId>:cron:<jobId>`. */
export interface CronRunSessionKey extends CronRunSessionKeyParts {
  baseKey: string;
}

/**
 * Parses `agent:<agentId>:cron:<jobId>:run:<runId>[:<more>]` into lower-cased ids and the base
 * key, or returns null for any other key or value. Never throws.
 */
export function parseCronRunSessionKey(key: string | null | undefined): CronRunSessionKey | null {
  if (scanSessionKey(key) !== KIND_CRON_RUN) return null;
  // The scan proved the layout agent:<id>:cron:<job>:run:<run>; lower-casing keeps the segment
  // structure, so the same walk over the lower-cased text finds the ids.
  const lower = (key as string).trim().toLowerCase();
  const end = lower.length;
  const agentStart = nextSegment(lower, skipColons(lower, 0, end), end);
  const jobStart = nextSegment(lower, nextSegment(lower, agentStart, end), end);
  const runIdStart = nextSegment(lower, nextSegment(lower, jobStart, end), end);
  const agentId = lower.slice(agentStart, segmentEnd(lower, agentStart, end));
  const jobId = lower.slice(jobStart, segmentEnd(lower, jobStart, end));
  const runId = lower.slice(runIdStart, segmentEnd(lower, runIdStart, end));
  return { agentId, jobId, runId, baseKey: `agent:${agentId}:cron:${jobId}` };
}

/**
 * Builds the canonical run key `agent:<agentId>:cron:<jobId>:run:<runId>` from trimmed, lower-cased
 * ids. Never throws: returns `""` (classified `"invalid"`) when an id is missing, not a string,
 * blank, or contains `:`, since no key could round-trip it.
 */
export function formatCronRunSessionKey(parts: CronRunSessionKeyParts): string {
  const source = parts as Partial<Record<keyof CronRunSessionKeyParts, unknown>> | null | undefined;
  const agentId = normalizeId(source?.agentId);
  const jobId = normalizeId(source?.jobId);
  const runId = normalizeId(source?.runId);
  if (agentId === null || jobId === null || runId === null) return "";
  return `agent:${agentId}:cron:${jobId}:run:${runId}`;
}

function normalizeId(id: unknown): string | null {
  if (typeof id !== "string") return null;
  const normalized = id.trim().toLowerCase();
  return normalized === "" || normalized.includes(":") ? null : normalized;
}
