#!/usr/bin/env bash
# Compiles src/ and bench/ into .bench-dist/ (plain Node runs it; ts-node's ESM loader cannot resolve Nest 12's
# export patterns) and copies the runtime assets the code reads beside itself.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.bench.json
find src -type f \( -name '*.lua' -o -name '*.jsonl' -o -name '*.html' -o -name '*.json' \) | while read -r file; do
  mkdir -p ".bench-dist/$(dirname "$file")"
  cp "$file" ".bench-dist/$file"
done
