import { createRandom, type Random } from "./random";

// Keys that look close to cron run keys but are not (SPEC §1.3), plus odd-but-valid forms.
const TRICKY = [
  "cron:job:run:x",
  "agent:main:slack:cron:job:run:x",
  "agent:main:cron:abc-123",
  "agent:main:cron:job:run",
  "agent:main:cron::run:r",
  "agent:main",
  "agent",
  "",
  "   ",
  ":::",
  "agent:main:cron:job:run:r:",
  "agent:::main:::cron:job:run:r",
  "agent:main:cron:job:RUN:r",
  "agent:main:cronjob:run:r",
  "agents:main:cron:j:run:r",
  "agent:main:hook:h:run:r",
  "agent: main :cron:j:run:r",
  "\tagent:main:cron:j:run:r\n",
];

/**
 * `count` session keys for the classification benchmark: ~40% cron run keys in assorted
 * spellings (case, padding, suffixes, empty segments), base cron, hook and chat keys, and
 * near-misses. Deterministic per seed.
 */
export function generateMixedKeys(count: number, seed = 1): string[] {
  const random = createRandom(seed);
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) keys[i] = mixedKey(random);
  return keys;
}

function mixedKey(random: Random): string {
  const agent = random.pick(["main", "ops", "Research", "a1"]);
  const job = random.chance(0.5) ? random.uuid() : `job-${random.hex(4)}`;
  const roll = random.next();
  if (roll < 0.4) {
    let key = `agent:${agent}:cron:${job}:run:${random.uuid()}`;
    if (random.chance(0.1)) key += `:thread:${random.hex(6)}`;
    if (random.chance(0.05)) key = key.toUpperCase();
    if (random.chance(0.03)) key = `  ${key} `;
    if (random.chance(0.02)) key = key.replace(":cron:", "::cron:");
    return key;
  }
  if (roll < 0.5) return `agent:${agent}:cron:${job}`;
  if (roll < 0.6) return `agent:${agent}:hook:${random.uuid()}`;
  if (roll < 0.85) {
    return random.pick([
      `agent:${agent}:main`,
      `agent:${agent}:slack:channel:c${random.hex(8)}`,
      `agent:${agent}:discord:channel:${random.hex(10)}:thread:${random.hex(10)}`,
      `agent:${agent}:telegram:direct:${random.between(1e6, 1e9)}`,
    ]);
  }
  return random.pick(TRICKY);
}
