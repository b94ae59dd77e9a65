#!/usr/bin/env node
import { runCli } from "./run-cli";

// `session-reaper sweep --dry-run | head`: once the reader is gone, drop the rest of the output
// instead of crashing with EPIPE. Output is written after the work is done, so nothing is cut short.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// The only place that ends the process: wait until stdout and stderr have flushed (pipes can
// be asynchronous on some platforms), then exit with the command's code.
const code = await runCli(process.argv.slice(2));
process.stdout.write("", () => {
  process.stderr.write("", () => process.exit(code));
});
