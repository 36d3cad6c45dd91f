#!/usr/bin/env bash
# One command from a fresh machine to the running app: installs whatever is
# missing (scripts/setup.sh is idempotent), then serves http://127.0.0.1:8080
# with live rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec trunk serve --address 127.0.0.1 --port 8080 "$@"
