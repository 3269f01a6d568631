#!/usr/bin/env bash
# Makes the Pulumi CLI available and prints the folder to put first on PATH.
#
# - A `pulumi` already on PATH (a user's machine) is used as it is: nothing is built.
# - Otherwise the CLI is built with the ordinary Go client from its published Go modules, pinned to the version of
#   the @pulumi/pulumi npm package (this folder's go.mod and go.sum), into a cache folder outside the repository,
#   and reused from there on later runs. Cold: a few minutes on 2 cores.
# - Next to it go the two plugins the CLI needs for a Node.js program with dynamic resources:
#   pulumi-resource-pulumi-nodejs (a script shipped inside @pulumi/pulumi) and pulumi-language-nodejs (see
#   language-host.js for why it is the project's own).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=v3.248.0

if [ -z "${TIMBAL_FORCE_BUILT_PULUMI:-}" ] && existing=$(command -v pulumi 2>/dev/null); then
    dirname "$existing"
    exit 0
fi

cache=${TIMBAL_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/timbal-pulumi-cli/$version}
bin=$cache/bin
mkdir -p "$bin"
# The plugins belong to this checkout (they run its node_modules): a folder of its own, linking the shared binary.
plugins=$repo/node_modules/.timbal-pulumi-bin
mkdir -p "$plugins"
# Earlier versions of this script put the plugins next to the shared binary; they would run another checkout.
rm -f "$bin/pulumi-language-nodejs" "$bin/pulumi-resource-pulumi-nodejs"

if [ ! -x "$bin/pulumi" ] || [ "$("$bin/pulumi" version 2>/dev/null)" != "$version" ]; then
    if ! command -v go >/dev/null 2>&1; then
        echo "ensure.sh: no pulumi on PATH and no Go to build it; install the Pulumi CLI $version or Go" >&2
        exit 1
    fi
    echo "ensure.sh: building the Pulumi CLI $version into $bin (first time only)" >&2
    # The checksums are pinned by go.sum; the public checksum database is not reachable from every machine.
    (cd "$here" && GOSUMDB=off GOFLAGS=-mod=readonly go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
        -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
    mv "$bin/pulumi.tmp" "$bin/pulumi"
fi

# A hard link (a copy across file systems), not a symlink: the CLI takes plugins beside its own executable as bundled.
ln -f "$bin/pulumi" "$plugins/pulumi" 2>/dev/null || cp -f "$bin/pulumi" "$plugins/pulumi"
cat > "$plugins/pulumi-language-nodejs" <<SCRIPT
#!/bin/sh
exec node "$here/language-host.js" "\$@"
SCRIPT
chmod +x "$plugins/pulumi-language-nodejs"
ln -sf "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$plugins/pulumi-resource-pulumi-nodejs"

echo "$plugins"
