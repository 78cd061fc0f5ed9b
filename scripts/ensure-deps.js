#!/usr/bin/env node
// Installs what a command of the README needs and is missing, the same way for `npm test` (pretest), `npm run up`
// and `.ci/run`: the npm dependencies, then the programs the tests or the server start (Debian's packages, as root
// or through sudo). Where they cannot be installed, it names the one command that installs them and goes on: the
// tests that need them are then skipped and listed as not run (test/support/not-run-reporter.js).
//
//   node scripts/ensure-deps.js test|up        install what is missing, or say how
//   node scripts/ensure-deps.js --check test   exit 1 when a program is still missing (CI runs every test)
'use strict';
const { spawnSync } = require('node:child_process');
const { accessSync, constants, existsSync, readdirSync, readFileSync } = require('node:fs');
const { delimiter, dirname, join } = require('node:path');

const root = join(__dirname, '..');

/** The programs started by the tests (`test`) or by `npm run up` (`up`), and the Debian package of each. */
const SYSTEM_PARTS = [
  {
    name: 'chromium',
    debianPackage: 'chromium',
    neededBy: 'the browser tests (test/web/*.browser.spec.ts)',
    neededFor: (purpose) => purpose === 'test',
    locate: () => (process.env.SINERGI_CHROMIUM ? executable(process.env.SINERGI_CHROMIUM) : onPath('chromium')),
  },
  {
    name: 'redis',
    debianPackage: 'redis-server',
    neededBy: 'the reminder tests, and reminders under `npm run up`',
    // `npm run up` starts a private one unless REDIS_URL names a Redis.
    neededFor: (purpose) => purpose === 'test' || !process.env.REDIS_URL,
    locate: () => onPath('redis-server'),
  },
  {
    name: 'postgres',
    debianPackage: 'postgresql',
    neededBy: 'the PostgreSQL tests (they start a private server)',
    neededFor: (purpose) => purpose === 'test',
    locate: postgresServerBinaries,
  },
  {
    name: 'prometheus-parser',
    debianPackage: 'python3-prometheus-client',
    neededBy: "the metrics tests (they read /metrics with the Prometheus project's own parser)",
    neededFor: (purpose) => purpose === 'test',
    locate: pythonWith('prometheus_client'),
  },
];

const CONSEQUENCE = {
  test: 'Until then, the tests that need them are skipped, and listed as not run at the end.',
  up: 'Until then, Sinergi runs without reminders.',
};

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

/** The first `python3` on the PATH that has the module (Debian's sees Debian's modules; a version manager's may not). */
function pythonWith(module) {
  return () =>
    pathDirectories()
      .map((directory) => executable(join(directory, 'python3')))
      .find((python) => python && spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
}

const pathDirectories = () => (process.env.PATH ?? '').split(delimiter).filter(Boolean);

function onPath(program) {
  for (const directory of pathDirectories()) {
    const found = executable(join(directory, program));
    if (found) return found;
  }
  return undefined;
}

/**
 * The directory holding `initdb` and `pg_ctl`: on the PATH, or where Debian keeps them (the newest version under
 * /usr/lib/postgresql) when its postgresql-common wrappers are on the PATH.
 */
function postgresServerBinaries() {
  const initdb = onPath('initdb');
  if (initdb && executable(join(dirname(initdb), 'pg_ctl'))) return dirname(initdb);
  const debian = '/usr/lib/postgresql';
  if (!onPath('pg_ctlcluster') || !existsSync(debian)) return undefined;
  const [newest] = readdirSync(debian)
    .filter((version) => executable(join(debian, version, 'bin', 'initdb')) && executable(join(debian, version, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return newest ? join(debian, newest, 'bin') : undefined;
}

/** Where a program is (`chromium`, `redis`, `postgres`: its server binaries' directory, `prometheus-parser`: its Python), or undefined. */
function locateSystemPart(name) {
  const part = SYSTEM_PARTS.find((p) => p.name === name);
  if (!part) throw new Error(`no system part named ${name}`);
  return part.locate();
}

function missingParts(purpose) {
  return SYSTEM_PARTS.filter((part) => part.neededFor(purpose) && !part.locate());
}

const asRoot = () => process.getuid?.() === 0;
const sudoWorks = () => !!onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;

/** The one command that installs them, as this user would type it. */
function installCommand(parts) {
  const sudo = asRoot() ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${parts.map((p) => p.debianPackage).join(' ')}`;
}

function missingMessage(parts, purpose) {
  const width = Math.max(...parts.map((p) => p.debianPackage.length));
  return [
    'Missing programs, and what needs them:',
    ...parts.map((p) => `  ${p.debianPackage.padEnd(width)}  ${p.neededBy}`),
    'Install them with this one command, then run this again:',
    `  ${installCommand(parts)}`,
    CONSEQUENCE[purpose],
  ].join('\n');
}

/** npm's record of what it installed holds every package of the lockfile that this platform needs, at its version. */
function nodeModulesCurrent() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return false;
  const wanted = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const have = JSON.parse(readFileSync(installed, 'utf8')).packages;
  return Object.entries(wanted).every(([path, entry]) => path === '' || have[path]?.version === entry.version || (entry.optional && !have[path]));
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr], ...options }).status === 0;
}

function ensureNodeModules() {
  if (nodeModulesCurrent()) return;
  console.error('Installing the npm dependencies (better-sqlite3 builds from source: about a minute)...');
  // A lockfile made on Linux lacks other platforms' optional packages, which can make `npm ci` refuse it.
  if (!run('npm', ['ci', '--no-audit', '--no-fund']) && !run('npm', ['install', '--no-audit', '--no-fund'])) {
    throw new Error('npm could not install the dependencies (see above)');
  }
}

function ensureSystemParts(purpose) {
  const missing = missingParts(purpose);
  if (missing.length === 0) return;
  const packages = missing.map((p) => p.debianPackage);
  const canInstall = !!onPath('apt-get') && (asRoot() || sudoWorks());
  if (canInstall) {
    console.error(`Installing ${packages.join(', ')} from Debian's packages (${missing.map((p) => p.neededBy).join('; ')})...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (...args) =>
      asRoot() ? run('apt-get', args, { env }) : run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
    if (apt('update') && apt('install', '-y', '--no-install-recommends', ...packages)) return;
  }
  const still = missingParts(purpose);
  if (still.length > 0) console.error(missingMessage(still, purpose));
}

function main(argv) {
  const check = argv[0] === '--check';
  const purpose = check ? argv[1] : argv[0];
  if (!(purpose in CONSEQUENCE)) {
    console.error('usage: node scripts/ensure-deps.js [--check] test|up');
    return 2;
  }
  if (check) {
    const missing = missingParts(purpose);
    if (missing.length > 0) console.error(missingMessage(missing, purpose));
    return missing.length > 0 ? 1 : 0;
  }
  ensureNodeModules();
  ensureSystemParts(purpose);
  return 0;
}

module.exports = { SYSTEM_PARTS, locateSystemPart, missingParts, missingMessage };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
