import {
  KIND_CRON,
  KIND_CRON_RUN,
  KIND_HOOK,
  KIND_INVALID,
  KIND_OTHER,
  type KindCode,
  scanSessionKey,
} from "./scan-session-key";

/** What a session key is; `"invalid"` means it is not `agent:<id>:<rest>` at all. */
export type SessionKeyKind = "cron-run" | "cron" | "hook" | "other" | "invalid";

const KIND_NAMES: Readonly<Record<KindCode, SessionKeyKind>> = {
  [KIND_INVALID]: "invalid",
  [KIND_OTHER]: "other",
  [KIND_CRON]: "cron",
  [KIND_CRON_RUN]: "cron-run",
  [KIND_HOOK]: "hook",
};

/**
 * Classifies a key as `"cron-run"`, `"cron"` (base or other cron key), `"hook"`, `"other"` or
 * `"invalid"`. Accepts any value; never throws and allocates nothing.
 */
export function classifySessionKey(key: string | null | undefined): SessionKeyKind {
  return KIND_NAMES[scanSessionKey(key)];
}

/**
 * True for a cron run key `agent:<id>:cron:<jobId>:run:<runId>[:<more>]`, case-insensitively.
 * Accepts any value; never throws and allocates nothing.
 */
export function isCronRunSessionKey(key: string | null | undefined): boolean {
  return scanSessionKey(key) === KIND_CRON_RUN;
}

/**
 * True when the key's rest starts with `cron:` (base cron keys and run keys alike).
 * Accepts any value; never throws and allocates nothing.
 */
export function isCronSessionKey(key: string | null | undefined): boolean {
  const kind = scanSessionKey(key);
  return kind === KIND_CRON || kind === KIND_CRON_RUN;
}

/**
 * True for a hook key whose rest is exactly `hook:<hookId>`.
 * Accepts any value; never throws and allocates nothing.
 */
export function isHookSessionKey(key: string | null | undefined): boolean {
  return scanSessionKey(key) === KIND_HOOK;
}
