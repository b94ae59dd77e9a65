import type { Random } from "./random";

/** The kinds of session keys the generator produces. */
export type FixtureKeyKind = "cron-run" | "cron" | "hook" | "chat";

/** A generated, OpenClaw-shaped session entry (only `sessionId`/`updatedAt` matter to a reaper). */
export interface FixtureEntry {
  sessionId: string;
  updatedAt: number;
  sessionStartedAt: number;
  sessionFile?: string;
  [field: string]: unknown;
}

/** What the entry builder needs to know about one session. */
export interface EntryParams {
  key: string;
  kind: FixtureKeyKind;
  sessionId: string;
  updatedAt: number;
  label: string;
  /** Store an explicit relative `sessionFile` (OpenClaw sometimes records it). */
  withSessionFile: boolean;
}

const CHANNELS = ["slack", "telegram", "discord", "whatsapp", "webchat"] as const;
const MODELS = ["claude-sonnet-4-5", "claude-opus-4-1", "gpt-5", "gemini-2.5-pro"] as const;
const TOOL_NAMES = ["read", "write", "edit", "exec", "browser", "web_search", "cron", "message"];

// Padding words. Escaped characters (newline, quote, tab) and multi-byte text (CJK, emoji,
// accents) are deliberate: a byte-level store scanner must handle them exactly like JSON.parse.
const WORDS = [
  "You",
  "are",
  "a",
  "helpful",
  "agent",
  "running",
  "inside",
  "the",
  "gateway.",
  "Use",
  "tools",
  "when",
  "needed;",
  "keep",
  "answers",
  "short.",
  "workspace",
  "AGENTS.md",
  "SOUL.md",
  "memory",
  "\n",
  "\n\n",
  '"quoted"',
  "\t",
  "path\\to",
  "日報",
  "東京",
  "数据分析",
  "🚀",
  "✅",
  "café",
  "naïve",
  "Ünïcödé",
  "😀👍",
  "정리",
  "résumé",
  "—",
  "→",
];
const WORD_BYTES = WORDS.map(jsonStringBytes);
const MAX_WORD_BYTES = Math.max(...WORD_BYTES);

/** UTF-8 bytes a string occupies inside a JSON string literal (without the quotes). */
function jsonStringBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), "utf8") - 2;
}

/**
 * Bytes one `"key": entry` member occupies in a store written with `JSON.stringify(store,
 * null, 2)`, including its `,\n` separator.
 */
export function serializedMemberBytes(key: string, entry: FixtureEntry): number {
  // "{\n" + member + "\n}" minus the 4 framing bytes, plus ",\n".
  return Buffer.byteLength(JSON.stringify({ [key]: entry }, null, 2), "utf8") - 2;
}

/** Builds the unpadded entry: delivery context, model, token counts, an empty prompt report. */
export function buildSessionEntry(random: Random, params: EntryParams): FixtureEntry {
  const channel = random.pick(CHANNELS);
  const to = `channel:${random.hex(9).toUpperCase()}`;
  const inputTokens = random.between(500, 180_000);
  const outputTokens = random.between(50, 8_000);
  // Kept lean so the 700-byte F1 entries still leave room for padding; everything beyond the
  // reaper's fields is opaque to it anyway.
  const entry: FixtureEntry = {
    sessionId: params.sessionId,
    updatedAt: params.updatedAt,
    sessionStartedAt: params.updatedAt - random.between(5_000, 600_000),
    chatType: params.kind === "chat" ? random.pick(["direct", "channel", "group"]) : "direct",
    deliveryContext: { channel, to, accountId: "default" },
    label: params.label,
    model: random.pick(MODELS),
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
  };
  if (params.withSessionFile) entry.sessionFile = `${params.sessionId}.jsonl`;
  entry.systemPromptReport = {
    source: "run",
    generatedAt: params.updatedAt,
    tools: [] as unknown[],
    promptExcerpt: "",
  };
  return entry;
}

/** Text of exactly `bytes` JSON-encoded bytes, drawn from the padding vocabulary. */
export function paddingText(random: Random, bytes: number): string {
  const parts: string[] = [];
  let left = bytes;
  // Stop while the largest word plus its space still fits, so `left` never goes negative.
  while (left > MAX_WORD_BYTES + 1) {
    const i = random.int(WORDS.length);
    parts.push(WORDS[i] as string, " ");
    left -= (WORD_BYTES[i] as number) + 1;
  }
  // Plain ASCII to land on the exact size.
  parts.push("x".repeat(left));
  return parts.join("");
}

/**
 * Grows `entry` (in place) so its member in the store takes `targetBytes`: about half the
 * budget as structured tool records (many small tokens), the rest as prompt text. Entries
 * whose unpadded size already exceeds the target are left as they are.
 */
export function padSessionEntry(
  random: Random,
  key: string,
  entry: FixtureEntry,
  targetBytes: number,
): void {
  const report = entry.systemPromptReport as { tools: unknown[]; promptExcerpt: string };
  let budget = targetBytes - serializedMemberBytes(key, entry);
  if (budget <= 0) return;
  // Each tool record costs ~130 bytes at this depth; the estimate only decides how many to add,
  // the exact remainder is measured below and filled with text.
  const toolBytes = Math.floor(budget / 2);
  for (let spent = 0; spent + 260 < toolBytes; spent += 130) {
    report.tools.push({
      name: random.pick(TOOL_NAMES),
      summaryChars: random.between(20, 400),
      schemaChars: random.between(100, 4000),
      propertiesCount: random.between(0, 12),
    });
  }
  budget = targetBytes - serializedMemberBytes(key, entry);
  if (budget > 0) report.promptExcerpt = paddingText(random, budget);
}
