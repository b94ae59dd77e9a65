import { nextSegment, segmentEnd, skipColons } from "./key-segments";
import { KIND_INVALID, scanSessionKey } from "./scan-session-key";

/** A parsed `agent:<agentId>:<rest>` key, lower-cased, with empty segments dropped from `rest`. */
export interface AgentSessionKey {
  agentId: string;
  rest: string;
}

/**
 * Parses `agent:<agentId>:<rest>` (trimmed, lower-cased, empty segments dropped), or returns null
 * when the key is not one. Accepts any value; never throws.
 */
export function parseAgentSessionKey(key: string | null | undefined): AgentSessionKey | null {
  // Rejecting through the allocation-free scan first keeps invalid keys cheap.
  if (scanSessionKey(key) === KIND_INVALID) return null;
  const lower = (key as string).trim().toLowerCase();
  const end = lower.length;
  const idStart = nextSegment(lower, skipColons(lower, 0, end), end);
  const idEnd = segmentEnd(lower, idStart, end);
  let rest = lower.slice(skipColons(lower, idEnd, end), end);
  // Empty segments inside or at the end of the rest are rare; only then pay for a split.
  if (rest.includes("::") || rest.endsWith(":")) rest = rest.split(":").filter(Boolean).join(":");
  return { agentId: lower.slice(idStart, idEnd), rest };
}
