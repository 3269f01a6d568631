import { execFileSync } from "child_process";
import * as path from "path";

// macOS runs no arm64 executable without a valid signature, and an injected blob invalidates the one Node's binary
// came with: macOS kills such a binary at launch (pulumi-awsx#1490). Each macOS executable is signed again, ad hoc
// (no certificate: a signature that only vouches for the bytes), on Linux, by rcodesign (the Rust crate
// apple-codesign; tools/rcodesign/ensure.sh builds it once).

/** rcodesign: `$TIMBAL_RCODESIGN`, or the one tools/rcodesign/ensure.sh builds. */
export function rcodesign(root: string): string {
    if (process.env.TIMBAL_RCODESIGN) return process.env.TIMBAL_RCODESIGN;
    return execFileSync("bash", [path.join(root, "tools", "rcodesign", "ensure.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** Signs `executable` ad hoc, in place, replacing the signature it had. */
export function signAdHoc(executable: string, root: string): void {
    execFileSync(rcodesign(root), ["sign", executable], { stdio: ["ignore", "pipe", "pipe"] });
}
