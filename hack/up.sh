#!/usr/bin/env bash
# The README's first command: install what is missing, build, and bring the cluster up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/install-deps.sh
npm run build --silent
exec node bin/kubets up "$@"
