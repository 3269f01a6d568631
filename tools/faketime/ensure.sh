#!/usr/bin/env bash
# Makes Debian's faketime (libfaketime) available, for the in-process layers run with the clock moved a year ahead and
# a year back (scripts/test.ts --shift-clock-days). Installed with apt-get when missing; prints its path.
set -euo pipefail
if ! command -v faketime >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "ensure.sh: faketime is not installed, and this is not root on Debian to install it: apt-get install faketime" >&2
        exit 1
    fi
    echo "ensure.sh: installing Debian's faketime" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >&2
fi
command -v faketime
