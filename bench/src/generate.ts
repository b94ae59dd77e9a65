// CLI: writes a sample state dir, e.g.
//   node bench/dist/generate.js --state-dir /tmp/oc --entries 20000 --bytes-per-entry 700
import { parseArgs } from "node:util";
import { createSampleStateDir } from "./create-sample-state-dir";
import { intFlag } from "./int-flag";

const USAGE = `usage: node bench/dist/generate.js --state-dir <dir> [--entries N] [--bytes-per-entry B]
       [--seed S] [--agents a,b] [--now <epoch ms>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "state-dir": { type: "string" },
      entries: { type: "string" },
      "bytes-per-entry": { type: "string" },
      seed: { type: "string" },
      agents: { type: "string" },
      now: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || !values["state-dir"]) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const result = await createSampleStateDir({
    stateDir: values["state-dir"],
    agents: values.agents?.split(",").filter(Boolean) ?? ["main"],
    entries: intFlag("entries", values.entries, 200),
    bytesPerEntry: intFlag("bytes-per-entry", values["bytes-per-entry"], 700),
    seed: intFlag("seed", values.seed, 1),
    nowMs: intFlag("now", values.now, Date.now()),
  });
  for (const s of result.stores) {
    console.log(
      `${s.agentId}: ${s.storePath} — ${s.entries} entries, ${(s.bytes / 2 ** 20).toFixed(1)} MB, ` +
        `${s.transcripts} transcripts, ${s.archives} archives`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
