#!/usr/bin/env bash
# Replays every fuzz target's seed corpus and kept regressions through the replay
# programs of a build folder (build/cpp for `make test`, build/sanitize for `make sanitize`).
set -euo pipefail
build=${1:?usage: replay-fuzz.sh BUILD_DIR}
cd "$(dirname "$0")/.."
extra_flow_loader=(../shared/corpus/kestra-flows ../shared/spec/examples examples/flows)
for program in "$build"/replay_*; do
  target=${program##*/replay_}
  extra=()
  [ "$target" = flow_loader ] && extra=("${extra_flow_loader[@]}")
  printf '%-12s ' "$target"
  "$program" "fuzz/corpus/$target" "fuzz/regressions/$target" "${extra[@]}"
done
