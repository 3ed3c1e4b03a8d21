/* global process */
// Loaded with `node --import` (through NODE_OPTIONS) into the bin by batch-heap.spec.ts: appends one
// line per process image that loads it, the pid, the V8 heap flags and the heap limit, to the file
// named by HEAP_REPORT_FILE.
import { appendFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const heapFlags = process.execArgv.filter((flag) => flag.startsWith('--max-'));
appendFileSync(process.env.HEAP_REPORT_FILE, `${JSON.stringify({ pid: process.pid, heapFlags, heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20) })}\n`);
