// Runs every bench/*.bench.ts in a fresh process of its own (so memory figures are per benchmark), prints one
// table per benchmark and ends with one `BENCH_JSON {...}` line holding every figure by name.
//   npm run bench                      sizes for a 2-core machine
//   npm run bench -- --large           bigger runs, and a long run for the memory figures
//   npm run bench -- --commands 1000000 --only write
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { type BenchResult, DATA_DIR_ENV, RESULT_FILE_ENV, formatTable, progress } from './support';

const benchDir = __dirname;
const swcRegister = resolve(benchDir, '../test/support/swc-register.js');

interface Run {
  name: string;
  result?: BenchResult;
  failure?: string;
}

function selected(argv: readonly string[]): { files: string[]; passThrough: string[] } {
  const only = argv.indexOf('--only');
  const names = only >= 0 ? (argv[only + 1] ?? '').split(',') : [];
  const passThrough = only >= 0 ? [...argv.slice(0, only), ...argv.slice(only + 2)] : [...argv];
  const files = readdirSync(benchDir)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => names.length === 0 || names.includes(basename(file, '.bench.ts')))
    .sort();
  return { files, passThrough };
}

function runOne(file: string, passThrough: readonly string[], workDir: string): Promise<Run> {
  const name = basename(file, '.bench.ts');
  const dataDir = join(workDir, name);
  mkdirSync(dataDir, { recursive: true });
  const resultFile = join(workDir, `${name}.result.json`);
  return new Promise((done) => {
    // The child's stdout joins our stderr: whatever the code under test prints is progress, not results.
    const child = spawn(process.execPath, ['--expose-gc', '--require', swcRegister, join(benchDir, file), ...passThrough], {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, [DATA_DIR_ENV]: dataDir, [RESULT_FILE_ENV]: resultFile },
    });
    child.on('error', (error) => done({ name, failure: error.message }));
    child.on('exit', (code, signal) => {
      if (code === 0 && existsSync(resultFile)) {
        done({ name, result: JSON.parse(readFileSync(resultFile, 'utf8')) as BenchResult });
      } else {
        done({ name, failure: `exited with ${signal ?? `code ${code}`}` });
      }
    });
  });
}

async function main(): Promise<number> {
  const { files, passThrough } = selected(process.argv.slice(2));
  if (files.length === 0) throw new Error('no benchmark matched (bench/*.bench.ts)');
  const workDir = mkdtempSync(join(tmpdir(), 'sinergi-bench-'));
  const runs: Run[] = [];
  try {
    for (const file of files) {
      progress(`${file} ${passThrough.join(' ')}`.trim());
      const begin = Date.now();
      const run = await runOne(file, passThrough, workDir);
      progress(`${file}: ${run.failure ?? 'done'} in ${((Date.now() - begin) / 1000).toFixed(1)} s`);
      runs.push(run);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const figures: Record<string, number> = {};
  for (const run of runs) {
    if (!run.result) {
      console.log(`\n${run.name}: FAILED (${run.failure})\n`);
      continue;
    }
    const { title, rows, notes = [] } = run.result;
    console.log(`\n${title}\n\n${formatTable(rows)}${notes.length ? `\n\n${notes.join('\n')}` : ''}\n`);
    Object.assign(figures, run.result.figures);
  }
  const rounded = Object.fromEntries(Object.entries(figures).map(([name, value]) => [name, Math.round(value * 1000) / 1000]));
  console.log(`BENCH_JSON ${JSON.stringify(rounded)}`);
  return runs.some((run) => run.failure) ? 1 : 0;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
