#!/usr/bin/env bash
# Installs schemathesis (pinned) into a virtualenv outside the repository, once, and prints the path of its `st`.
set -euo pipefail
venv=${TIMBAL_CONFORMANCE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/timbal-conformance/venv}
if [ ! -x "$venv/bin/st" ] || [ "$("$venv/bin/st" --version 2>/dev/null)" != "st, version 4.32.5" ]; then
    echo "ensure.sh: installing schemathesis 4.32.5 into $venv" >&2
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5 >&2
fi
echo "$venv/bin/st"
