#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'src', 'cli.js');
if (!existsSync(join(root, 'node_modules'))) {
  console.error('Sinergi is not installed yet: run `npm run up` (or `npm ci`) in ' + root);
  process.exit(1);
}
if (!existsSync(cli)) {
  console.error('Building Sinergi (first run)...');
  execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
}
require(cli);
