#!/usr/bin/env bash
# Installs the Debian packages the suites need, with apt-get, those missing only:
#   faketime                         the in-process layers with the clock moved (scripts/test.ts --shift-clock-days);
#   qemu-user-static, the arm64      the linux-arm64 plugin, run under qemu-user (test/cli/platforms.test.ts);
#     cross libraries (libc, libstdc++, libatomic)
#   wine64, wine                     the windows-amd64 plugin, run under Wine (the same suite; `wine` is the command).
set -euo pipefail
packages=(faketime qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libatomic1-arm64-cross wine64 wine)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# As root (this machine, CI), or through sudo (a GitHub runner).
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if ! command -v apt-get >/dev/null 2>&1 || { [ ${#as_root[@]} -gt 0 ] && ! sudo -n true 2>/dev/null; }; then
    echo "ensure.sh: ${missing[*]} not installed, and apt-get cannot be run as root here: apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "ensure.sh: installing Debian's ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
