import type { Logger } from "@session-reaper/core";

/** A host logger that takes one message string per call (OpenClaw's `PluginLogger` shape). */
export interface MessageLogger {
  debug?: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

/** Options of {@link createMessageLogger}. */
export interface MessageLoggerOptions {
  /** Put in front of every message, e.g. `"session-reaper: "`, so the lines are easy to find. */
  prefix?: string;
}

type Level = "debug" | "info" | "warn" | "error";

// A bare value is written as is when it cannot be mistaken for the next field or a quote.
const PLAIN_VALUE = /^[^\s"=]+$/;

/**
 * Renders a pino-style call `(fields, message?)` as one line: the message, then every field
 * as `key=value` (strings that need it and all objects as JSON, errors as name, message and
 * their own plain fields).
 * Never throws, whatever the fields hold.
 */
export function formatLogMessage(fields: unknown, message?: string): string {
  if (typeof fields === "string" && message === undefined) return fields;
  const parts: string[] = [];
  if (message !== undefined && message !== "") parts.push(message);
  if (fields instanceof Error) {
    parts.push(`err=${formatValue(fields)}`);
  } else if (fields !== null && typeof fields === "object") {
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      parts.push(`${key}=${formatValue(value)}`);
    }
  } else if (fields !== undefined && fields !== null) {
    parts.push(formatValue(fields));
  }
  return parts.join(" ");
}

/**
 * Wraps a message-string logger in the pino call shape the reaper uses, keeping every field
 * in the text. `debug` is dropped when the host has none. Never throws.
 */
export function createMessageLogger(
  target: MessageLogger,
  options: MessageLoggerOptions = {},
): Logger {
  const prefix = options.prefix ?? "";
  const emit = (level: Level, fields: unknown, message?: string): void => {
    const write = target[level];
    if (typeof write !== "function") return;
    try {
      write.call(target, `${prefix}${formatLogMessage(fields, message)}`);
    } catch {
      // A failing host logger must not turn a sweep into a failure.
    }
  };
  return {
    debug: (fields: unknown, message?: string) => emit("debug", fields, message),
    info: (fields: unknown, message?: string) => emit("info", fields, message),
    warn: (fields: unknown, message?: string) => emit("warn", fields, message),
    error: (fields: unknown, message?: string) => emit("error", fields, message),
  };
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return PLAIN_VALUE.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null) return "null";
  if (value instanceof Error) return safeJson(describeError(value));
  return safeJson(value);
}

/**
 * name and message, then the error's own plain fields (code, path, syscall, errno, a store
 * error's storePath, offset or waitedMs…), then its cause. Object-valued fields are left out.
 */
function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (key === "name" || key === "message" || key === "cause" || key === "stack") continue;
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      described[key] = value;
    }
  }
  const { cause } = error as Error & { cause?: unknown };
  if (cause instanceof Error) described.cause = describeError(cause);
  return described;
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, inner: unknown) => {
        if (inner instanceof Error) return describeError(inner);
        if (inner instanceof Set) return [...inner];
        if (typeof inner === "bigint") return inner.toString();
        return inner;
      }) ?? String(value)
    );
  } catch {
    // Circular structures and throwing getters still produce a readable line.
    return JSON.stringify(String(value));
  }
}
