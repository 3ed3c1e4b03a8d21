/* global process */
// Loaded with `node --import` into a benchmarked CLI run: writes the process's peak RSS (KiB) and its
// user and system CPU time (µs) on exit, space-separated.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime} ${usage.systemCPUTime}`);
  });
}
