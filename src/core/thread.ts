import { extname, join, resolve } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A thread of the server running `file` (a module beside `caller`, named without its extension): built, the
 * JavaScript; from the TypeScript sources (tests, benchmarks), the sources compiled as the tests compile them.
 * `youngGenerationMb` bounds the thread's young generation: a thread whose garbage lives for a batch gives the
 * process less memory to hold when it is collected more often.
 */
export function startThread(caller: string, file: string, options: WorkerOptions & { youngGenerationMb?: number } = {}): Worker {
  const { youngGenerationMb, ...workerOptions } = options;
  const entry = join(caller, '..', `${file}${extname(caller)}`);
  const execArgv = entry.endsWith('.ts') ? ['--require', resolve(__dirname, '../../test/support/swc-register.js')] : [];
  return new Worker(entry, {
    ...workerOptions,
    execArgv,
    ...(youngGenerationMb ? { resourceLimits: { ...workerOptions.resourceLimits, maxYoungGenerationSizeMb: youngGenerationMb } } : {}),
  });
}
