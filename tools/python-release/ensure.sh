#!/usr/bin/env bash
# Installs Python's release tools (pinned) into a virtualenv outside the repository, once, and prints its bin folder:
# `build`, which makes the Python SDK's sdist (release/python-sdist.ts); `twine`, which uploads the wheel and the sdist
# (the release workflow to PyPI, the rehearsal to a local index); `pypiserver`, the local index the rehearsal runs
# (harness/registries/python-index.ts).
set -euo pipefail
venv=${TIMBAL_PYTHON_RELEASE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/timbal-python-release/venv}
pins=(build==1.6.1 twine==7.0.0 pypiserver==2.4.2)
if [ ! -f "$venv/.pins" ] || [ "$(cat "$venv/.pins")" != "${pins[*]}" ]; then
    echo "ensure.sh: installing ${pins[*]} into $venv" >&2
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
    echo "${pins[*]}" >"$venv/.pins"
fi
echo "$venv/bin"
