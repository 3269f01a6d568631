#!/usr/bin/env bash
# Installs the Debian packages the suites need, with apt-get, those missing only:
#   faketime                         the in-process layers with the clock moved (scripts/test.ts --shift-clock-days);
#   qemu-user-static, the arm64      the linux-arm64 plugin, run under qemu-user (test/cli/platforms.test.ts);
#     cross libraries (libc, libstdc++, libatomic)
#   wine64                           the windows-amd64 plugin, run under Wine (the same suite).
set -euo pipefail
packages=(faketime qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libatomic1-arm64-cross wine64)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure.sh: ${missing[*]} not installed, and this is not root on Debian to install them: apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "ensure.sh: installing Debian's ${missing[*]}" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
