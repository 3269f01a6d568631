#!/usr/bin/env bash
# Installs actionlint (github.com/rhysd/actionlint, pinned) from the Go module proxy outside the repository, once, and
# prints its path. test/unit/workflows.test.ts lints the repository's GitHub Actions workflows with it.
set -euo pipefail
version=v1.7.12
dir=${XDG_CACHE_HOME:-$HOME/.cache}/timbal-actionlint/$version
if [ ! -x "$dir/actionlint" ]; then
    echo "ensure.sh: installing actionlint $version into $dir" >&2
    mkdir -p "$dir"
    # The checksums come from the module proxy's go.sum lines; the public checksum database is not reachable everywhere.
    GOBIN=$dir GOSUMDB=off go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
echo "$dir/actionlint"
