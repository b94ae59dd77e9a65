#!/usr/bin/env node
import { runCli } from "./run-cli";

// The only place that ends the process: wait until stdout and stderr have flushed (pipes can
// be asynchronous on some platforms), then exit with the command's code.
const code = await runCli(process.argv.slice(2));
process.stdout.write("", () => {
  process.stderr.write("", () => process.exit(code));
});
