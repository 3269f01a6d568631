#!/usr/bin/env bash
# Makes the Pulumi CLI available and prints the folder to put first on PATH.
#
# - A `pulumi` already on PATH (a user's machine) is used as it is: nothing is built.
# - Otherwise the CLI is built with the ordinary Go client from its published Go modules, at the version of the
#   @pulumi/pulumi installed in this checkout (the folder v<version>/ holds its go.mod and go.sum), into a cache folder
#   outside the repository, and reused from there on later runs. Cold: a few minutes on 2 cores.
# - Next to it go the plugins the CLI needs for a Node.js program with dynamic resources and for a YAML program, all
#   upstream: pulumi-language-yaml from the Go module proxy at the version language-yaml/go.mod pins, and:
#   pulumi-language-nodejs, pulumi-language-python and pulumi-language-go, built from their unmodified sources in
#   ../pulumi-language-<language> (the Go module proxy refuses those modules, so their sources are vendored), the
#   Python host's upstream script pulumi-language-python-exec, and pulumi-resource-pulumi-nodejs (a script shipped
#   inside @pulumi/pulumi). The Python host also generates the Python SDK (`pulumi package gen-sdk --language python`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ -z "${TIMBAL_FORCE_BUILT_PULUMI:-}" ] && existing=$(command -v pulumi 2>/dev/null); then
    dirname "$existing"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    echo "ensure.sh: no pulumi on PATH and no Go to build it; install the Pulumi CLI or Go" >&2
    exit 1
fi
# `ensure.sh --build-only <version>` builds the CLI of that version and the hosts into the cache, and links nothing (CI
# builds both corners' tools while it installs the rest).
build_only=
if [ "${1:-}" = "--build-only" ]; then
    build_only=1
    sdk=${2:?usage: ensure.sh --build-only <version>}
else
    sdk=$(node -p "require('$repo/node_modules/@pulumi/pulumi/package.json').version")
fi
version=v$sdk
module=$here/$version
if [ ! -f "$module/go.mod" ]; then
    echo "ensure.sh: @pulumi/pulumi is $sdk but tools/pulumi-cli/$version/ does not exist; create it with" >&2
    echo "  mkdir $module && cp $here/v3.248.0/tools.go $module/ && cd $module && go mod init timbal-pulumi-provider/tools/pulumi-cli && GOSUMDB=off go get github.com/pulumi/pulumi/pkg/v3@$version && GOSUMDB=off go mod tidy" >&2
    exit 1
fi

cache_root=${TIMBAL_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/timbal-pulumi-cli}
bin=$cache_root/$version/bin
mkdir -p "$bin"
if [ ! -x "$bin/pulumi" ] || [ "$("$bin/pulumi" version 2>/dev/null)" != "$version" ]; then
    echo "ensure.sh: building the Pulumi CLI $version into $bin (first time only)" >&2
    # The checksums are pinned by go.sum; the public checksum database is not reachable from every machine.
    (cd "$module" && GOSUMDB=off GOFLAGS=-mod=readonly go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
        -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
    mv "$bin/pulumi.tmp" "$bin/pulumi"
fi

# build_host <module folder> <package> <binary> <what>: builds the host once into <binary>, in that module's build list.
build_host() {
    [ -x "$3" ] && return 0
    echo "ensure.sh: building $4 into $(dirname "$3") (first time only)" >&2
    mkdir -p "$(dirname "$3")"
    (cd "$1" && GOSUMDB=off GOFLAGS=-mod=readonly go build -trimpath -o "$3.tmp" "$2") >&2
    mv "$3.tmp" "$3"
}

# A language host vendored in tools/pulumi-language-<language>/ (Node.js: programs with dynamic resources and the npm
# package's plugin folder; Python and Go: programs in those languages, and their SDK generation). A host does not depend on the CLI's version: one
# build per vendored upstream commit. Prints the binary's path.
vendored_host() {
    local src host
    src=$(cd "$here/../pulumi-language-$1" && pwd)
    host=$cache_root/language-$1-$(cat "$src/UPSTREAM_COMMIT")/pulumi-language-$1
    build_host "$src" . "$host" "pulumi-language-$1 from tools/pulumi-language-$1"
    echo "$host"
}
host=$(vendored_host nodejs)
python_host=$(vendored_host python)
go_host=$(vendored_host go)
python_src=$(cd "$here/../pulumi-language-python" && pwd)

# The YAML language host (YAML programs, which use the timbal provider plugin), from the Go module proxy at the
# version language-yaml/go.mod pins, built in that module: its build list raises pkg/v3 to the current CLI's, so the
# host reuses the packages the CLI's build compiled (a fresh machine compiles pkg/v3 once for both, not twice). Like
# the Node.js host it serves both CLI versions.
yaml_module=$here/language-yaml
required() { # required <module>: its version in language-yaml/go.mod (the first line naming it); fails if none does
    awk -v module="$1" '{ for (i = 1; i < NF; i++) if ($i == module) { print $(i + 1); found = 1; exit } } END { exit !found }' "$yaml_module/go.mod"
}
yaml_version=$(required github.com/pulumi/pulumi-yaml)
yaml_pkg=$(required github.com/pulumi/pulumi/pkg/v3)
# The whole build list decides the binary: the key holds go.mod's and go.sum's hash too.
yaml_sums=$(node -e 'const hash = require("crypto").createHash("sha256"); for (const file of process.argv.slice(1)) hash.update(require("fs").readFileSync(file)); console.log(hash.digest("hex").slice(0, 12))' "$yaml_module/go.mod" "$yaml_module/go.sum")
yaml_host=$cache_root/language-yaml-$yaml_version-pkg-$yaml_pkg-$yaml_sums/pulumi-language-yaml
build_host "$yaml_module" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "$yaml_host" "pulumi-language-yaml $yaml_version (pkg/v3 $yaml_pkg)"

[ -n "$build_only" ] && exit 0

# The plugins belong to this checkout (they run its node_modules): a folder of its own, linking the shared binaries.
# Hard links (copies across file systems), not symlinks: the CLI takes plugins beside its own executable as bundled.
plugins=$repo/node_modules/.timbal-pulumi-bin
mkdir -p "$plugins"
ln -f "$bin/pulumi" "$plugins/pulumi" 2>/dev/null || cp -f "$bin/pulumi" "$plugins/pulumi"
rm -f "$plugins/pulumi-language-nodejs"
ln -f "$host" "$plugins/pulumi-language-nodejs" 2>/dev/null || cp -f "$host" "$plugins/pulumi-language-nodejs"
ln -sf "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$plugins/pulumi-resource-pulumi-nodejs"
rm -f "$plugins/pulumi-language-yaml"
ln -f "$yaml_host" "$plugins/pulumi-language-yaml" 2>/dev/null || cp -f "$yaml_host" "$plugins/pulumi-language-yaml"

rm -f "$plugins/pulumi-language-python"
ln -f "$python_host" "$plugins/pulumi-language-python" 2>/dev/null || cp -f "$python_host" "$plugins/pulumi-language-python"
ln -sf "$python_src/pulumi-language-python-exec" "$plugins/pulumi-language-python-exec"
rm -f "$plugins/pulumi-language-go"
ln -f "$go_host" "$plugins/pulumi-language-go" 2>/dev/null || cp -f "$go_host" "$plugins/pulumi-language-go"

echo "$plugins"
