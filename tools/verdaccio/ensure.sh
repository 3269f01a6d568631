#!/usr/bin/env bash
# Installs Verdaccio (pinned; 6.8.0 is the newest that runs on Node 20), the npm registry the release rehearsal
# publishes into (harness/registries/npm-registry.ts), outside the repository, once, and prints its executable.
set -euo pipefail
version=6.8.0
dir=${XDG_CACHE_HOME:-$HOME/.cache}/timbal-verdaccio/$version
bin=$dir/node_modules/.bin/verdaccio
if [ ! -x "$bin" ]; then
    echo "ensure.sh: installing verdaccio $version into $dir" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "verdaccio@$version" >&2
fi
echo "$bin"
