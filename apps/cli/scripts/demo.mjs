#!/usr/bin/env node
// Demo: builds a sample OpenClaw state dir in a temp folder and runs the BUILT CLI on it,
// showing each command line and its output. Run from the repo root with `pnpm demo`.
import { spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createSampleStateDir } from "@session-reaper/bench";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const AGENTS = ["main", "ops"];
const ENTRIES = 2000;
const MAX_LINES = 16;

const root = await mkdtemp(join(tmpdir(), "session-reaper-demo-"));
const stateDir = join(root, ".openclaw");

const bold = process.stdout.isTTY && !process.env.NO_COLOR;

function heading(text) {
  process.stdout.write(bold ? `\n\x1b[1m== ${text}\x1b[0m\n` : `\n== ${text}\n`);
}

/** Runs the CLI like a user would, echoing the command; long output is cut to a preview. */
function run(args, { preview = false } = {}) {
  const shown = relative(process.cwd(), BIN) || BIN;
  process.stdout.write(`$ node ${shown} ${args.join(" ")}\n`);
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  const lines = result.stdout.trimEnd().split("\n");
  const cut = preview && lines.length > MAX_LINES;
  const body = cut
    ? [...lines.slice(0, MAX_LINES), `  … ${lines.length - MAX_LINES} more lines`]
    : lines;
  process.stdout.write(`${body.join("\n")}\n`);
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.status !== 0) {
    process.stderr.write(`demo: the command exited with ${result.status}; stopping.\n`);
    process.exit(result.status ?? 1);
  }
}

heading(`Sample state dir: ${AGENTS.length} agents × ${ENTRIES.toLocaleString("en-US")} entries`);
const sample = await createSampleStateDir({ stateDir, agents: AGENTS, entries: ENTRIES });
for (const store of sample.stores) {
  process.stdout.write(
    `${store.storePath}\n  ${store.entries} entries, ${(store.bytes / 1e6).toFixed(1)} MB, ` +
      `${store.transcripts} transcripts, ${store.archives} archives\n`,
  );
}

heading("1. stats before");
run(["stats", "--state-dir", stateDir]);
heading("2. sweep --dry-run (changes nothing)");
run(["sweep", "--state-dir", stateDir, "--dry-run"], { preview: true });
heading("3. sweep");
run(["sweep", "--state-dir", stateDir]);
heading("4. stats after");
run(["stats", "--state-dir", stateDir]);

heading("Done");
process.stdout.write(
  `The files are in ${stateDir}\nTry more, e.g.: node ${BIN} sweep --state-dir ${stateDir} --json\n` +
    `Remove them with: rm -rf ${root}\n`,
);
