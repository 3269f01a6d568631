#!/usr/bin/env bash
# Installs rcodesign (the Rust crate apple-codesign, pinned) outside the repository, once, and prints its path. The
# release signs its macOS executables with it, ad hoc, on Linux (release/macos-signature.ts); the tests read the
# signatures back with it. Cold: under 2 minutes on 2 cores.
set -euo pipefail
version=0.29.0
root=${TIMBAL_RCODESIGN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/timbal-rcodesign}
bin=$root/bin/rcodesign
if [ ! -x "$bin" ] || ! "$bin" --version 2>/dev/null | grep -q " $version"; then
    if ! cargo --version >/dev/null 2>&1; then
        echo "ensure.sh: rcodesign needs Rust's cargo (a toolchain of 1.81 or later, e.g. rustup's stable) to build it (apple-codesign $version from crates.io)" >&2
        exit 1
    fi
    echo "ensure.sh: building rcodesign (apple-codesign $version) into $root" >&2
    # Without its default feature (notarize: the AWS and App Store Connect clients), which signing does not use; built
    # for a short compile: unoptimised but for sha2, which hashes every page (measured on 2 cores: 101 s against 200 s
    # at opt-level 1; signing a 113 MB binary takes half a second, and writes the same bytes).
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=false \
        cargo install --quiet --locked --no-default-features --root "$root" apple-codesign --version "$version" \
        --config 'profile.release.package.sha2.opt-level=3' >&2
fi
echo "$bin"
