import { extname, join, resolve } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Each thread's young generation. What a thread allocates lives for a batch (of events, rows, a report's layout):
 * collected every 8 MB rather than let grow to V8's default, it gives the process less memory to hold. At 50,000
 * agreements this took a part of the server's peak memory off (see the README's national figures).
 */
const YOUNG_GENERATION_MB = 8;

/**
 * A thread running `file` (a module beside `caller`, named without its extension): built, the JavaScript; from the
 * TypeScript sources (tests, benchmarks), the sources compiled as the tests compile them.
 */
export function startThread(caller: string, file: string, options: WorkerOptions = {}): Worker {
  const entry = join(caller, '..', `${file}${extname(caller)}`);
  const execArgv = entry.endsWith('.ts') ? ['--require', resolve(__dirname, '../../test/support/swc-register.js')] : [];
  return new Worker(entry, { ...options, execArgv, resourceLimits: { ...options.resourceLimits, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
}
