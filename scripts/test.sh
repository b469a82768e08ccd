#!/usr/bin/env bash
# Runs the whole Jest suite (native ESM) and closes with a plain "N passed, N failed" line; keeps Jest's exit code.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p coverage
NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand --json --outputFile=coverage/jest-results.json "$@"
code=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("coverage/jest-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' 2>/dev/null || echo "0 passed, 1 failed"
exit $code
