#!/usr/bin/env bash
# Installs Prism (@stoplight/prism-cli, pinned; 5.14 is the last that runs on Node 20) outside the repository, once,
# and prints the path of its `prism`. The contract test uses it as an independent validator of the provider's requests.
set -euo pipefail
version=5.14.2
dir=${TIMBAL_PRISM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/timbal-prism}
bin=$dir/node_modules/.bin/prism
if [ ! -x "$bin" ] || [ "$(node -p "require('$dir/node_modules/@stoplight/prism-cli/package.json').version" 2>/dev/null)" != "$version" ]; then
    echo "ensure.sh: installing @stoplight/prism-cli $version into $dir" >&2
    mkdir -p "$dir"
    npm install --no-audit --no-fund --silent --prefix "$dir" "@stoplight/prism-cli@$version" >&2
fi
echo "$bin"
