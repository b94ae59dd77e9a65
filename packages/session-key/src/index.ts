export {
  classifySessionKey,
  isCronRunSessionKey,
  isCronSessionKey,
  isHookSessionKey,
  type SessionKeyKind,
} from "./classify-session-key";
export { classifySessionKeyBytes } from "./classify-session-key-bytes";
export {
  type CronRunSessionKey,
  type CronRunSessionKeyParts,
  formatCronRunSessionKey,
  parseCronRunSessionKey,
} from "./cron-run-session-key";
export { type AgentSessionKey, parseAgentSessionKey } from "./parse-agent-session-key";
