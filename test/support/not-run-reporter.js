// Closes a test run with what was not run for want of a program, and the one command that installs it: a test that
// could not run is never counted as passed (scripts/ensure-deps.js installs these where it can).
const { missingMessage, missingParts } = require('../../scripts/ensure-deps');

class NotRunReporter {
  onRunComplete(_contexts, results) {
    const missing = missingParts('test');
    if (missing.length === 0) return;
    process.stderr.write(`\nNOT RUN: ${results.numPendingTests} tests skipped in all, among them every test that needs a missing program.\n${missingMessage(missing, 'test')}\n`);
  }
}

module.exports = NotRunReporter;
