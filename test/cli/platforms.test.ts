import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { DEFAULT_SEED, type Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { extractExecutable, pluginWrapper, removeMadeFolders, runnerMissing } from "../../harness/foreign-platforms";
import { yamlProject } from "../../harness/language-projects";
import { CPU_TYPES, decodedFixups, isAdHoc, readMachO, sectionBytes, withoutSignature, type MachO } from "../../harness/macho";
import { ARTIFACT_DIR } from "../../harness/plugin-artifact";
import { programIn, type JobDeclaration } from "../../harness/program-text";
import { requirePulumiCli } from "../../harness/pulumi-cli";
import { pluginTarballs } from "../../harness/release-artifacts";
import { requireTool } from "../../harness/require-tool";
import { signedAdHoc } from "../../release/macos-signature";
import { nodeBinary, sha256Of } from "../../release/node-binaries";
import { executableName, platformNamed } from "../../release/platforms";
import { makeBlob, SEA_MACHO_SEGMENT, SEA_RESOURCE, SENTINEL_FUSE } from "../../release/sea";

// The plugin for every platform, as `npm run release` builds it: five tarballs and their SHA256SUMS. The platforms
// this machine can run are run: linux-amd64 natively (every CLI suite does), linux-arm64 under qemu-user and
// windows-amd64 under Wine, each through the real CLI with a YAML program. The macOS executables, which nothing here
// can run, are checked for what makes one start on a Mac: Mach-O for the right CPU, a valid ad-hoc signature, the
// blob where Node looks for it, and Node's own binary otherwise unchanged.

const ELF_MACHINES: Record<string, number> = { amd64: 62, arm64: 183 };
const PE_AMD64 = 0x8664;

/** The blob every executable must carry (the same bundled plugin): read from darwin-arm64's NODE_SEA section. */
let blob: Buffer;
let tarballs: Map<string, string>;

before(async function () {
    this.timeout(900_000);
    tarballs = await pluginTarballs();
    const darwin = fs.readFileSync(extractExecutable(tarballs.get("darwin-arm64")!, platformNamed("darwin-arm64")));
    blob = sectionBytes(darwin, readMachO(darwin), SEA_MACHO_SEGMENT, `__${SEA_RESOURCE}`)!;
});
after(removeMadeFolders);

describe("the released plugin: a tarball per platform", function () {
    this.timeout(120_000);

    it("five tarballs, each one executable at its root (.exe on Windows), listed with their SHA-256 in SHA256SUMS", function () {
        assert.deepStrictEqual([...tarballs.keys()].sort(), ["darwin-amd64", "darwin-arm64", "linux-amd64", "linux-arm64", "windows-amd64"]);
        const sums = fs.readFileSync(path.join(ARTIFACT_DIR, "SHA256SUMS"), "utf8").trim().split("\n").map((line) => line.split(/\s+/));
        assert.deepStrictEqual(sums.map(([, name]) => name).sort(), [...tarballs.values()].map((file) => path.basename(file)).sort());
        for (const [sum, name] of sums) assert.strictEqual(sha256Of(path.join(ARTIFACT_DIR, name)), sum, name);
        for (const [name, tarball] of tarballs) {
            const entries = execFileSync("tar", ["-tvzf", tarball], { encoding: "utf8" }).trim().split("\n");
            assert.strictEqual(entries.length, 1, `${name}: one file`);
            assert.match(entries[0], new RegExp(`^-rwxr-xr-x .* ${executableName(platformNamed(name)).replace(".", "\\.")}$`), `${name}: ${entries[0]}`);
        }
    });

    it("the blob is the same bytes whichever folder the build ran in (its script is named without the folder)", function () {
        const blobs = ["a", "b"].map((name) => {
            const work = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-blob-${name}-`));
            try {
                fs.writeFileSync(path.join(work, "plugin.js"), 'console.log("the plugin");\n');
                makeBlob(path.join(work, "plugin.js"), path.join(work, "plugin.blob"), work);
                return fs.readFileSync(path.join(work, "plugin.blob"));
            } finally {
                fs.rmSync(work, { recursive: true, force: true });
            }
        });
        assert.ok(blobs[0].includes("the plugin"), "the blob holds the script");
        assert.ok(blobs[0].equals(blobs[1]));
    });

    it("the Linux and Windows executables are ELF and PE for their CPU, and carry the same blob as the macOS ones", function () {
        assert.ok(blob && blob.length > 1_000_000, "the blob is in darwin-arm64's NODE_SEA section");
        for (const name of ["linux-amd64", "linux-arm64", "windows-amd64"]) {
            const platform = platformNamed(name);
            const file = fs.readFileSync(extractExecutable(tarballs.get(name)!, platform));
            if (platform.os === "linux") {
                assert.strictEqual(file.toString("latin1", 0, 4), "\x7fELF", name);
                assert.strictEqual(file.readUInt16LE(18), ELF_MACHINES[platform.arch], `${name}: its ELF machine`);
            } else {
                assert.strictEqual(file.toString("latin1", 0, 2), "MZ", name);
                assert.strictEqual(file.readUInt16LE(file.readUInt32LE(0x3c) + 4), PE_AMD64, `${name}: its PE machine`);
                const certificates = file.readUInt32LE(0x3c) + 24 + 112 + 4 * 8;
                assert.deepStrictEqual([file.readUInt32LE(certificates), file.readUInt32LE(certificates + 4)], [0, 0], `${name}: no stale Authenticode entry (node.exe's)`);
            }
            assert.ok(file.includes(blob), `${name} carries the same blob`);
            assert.ok(file.includes(`${SENTINEL_FUSE}:1`), `${name}: the fuse is flipped, so Node runs the blob`);
        }
    });
});

describe("the macOS executables, checked without a Mac", function () {
    this.timeout(120_000);

    for (const name of ["darwin-arm64", "darwin-amd64"]) {
        it(`${name}: Mach-O for its CPU, an ad-hoc signature whose every page hash verifies, the blob in Node's NODE_SEA segment, Node's binary otherwise unchanged`, function () {
            const platform = platformNamed(name);
            const executable = extractExecutable(tarballs.get(name)!, platform);
            const file = fs.readFileSync(executable);
            const macho = readMachO(file);
            assert.strictEqual(macho.cpuType, CPU_TYPES[platform.arch], "the CPU type");

            // The signature: ad hoc, covering the whole file before it, every page's hash and every special slot's
            // (the requirements') right, in Apple's format as harness/macho.ts reads it.
            assert.ok(macho.signature, "signed");
            assert.ok(macho.signature.codeDirectories.length > 0, "a CodeDirectory");
            for (const directory of macho.signature.codeDirectories) {
                assert.ok(isAdHoc(directory), "ad hoc");
                assert.strictEqual(directory.identifier, "pulumi-resource-timbal", "its identifier: the executable's name");
                assert.strictEqual(directory.codeLimit, macho.signature.offset, "it covers every byte before the signature");
                assert.strictEqual(directory.pages, Math.ceil(directory.codeLimit / directory.pageSize), "a hash for every page");
                assert.deepStrictEqual(directory.badPages, [], `every one of the ${directory.pages} page hashes verifies`);
                assert.ok(directory.specialSlots >= 2, "the requirements' slot is hashed");
                assert.deepStrictEqual(directory.badSpecialSlots, [], "every special slot's hash verifies, and every blob has one");
            }

            // The blob where macOS Node looks for it: a section of the NODE_SEA segment; the same bytes as the Linux build's.
            assert.ok(sectionBytes(file, macho, SEA_MACHO_SEGMENT, `__${SEA_RESOURCE}`)?.equals(blob), "the blob, the same bytes as the other platforms'");

            // Node's own binary is unchanged but for the fuse: every section's bytes (the fuse flipped in the
            // original), and its rebase, bind and export information (decoded: LIEF may encode it anew).
            const original = fs.readFileSync(nodeBinary(platform));
            const node = readMachO(original);
            const sectionsOf = (m: MachO) => m.segments.flatMap((segment) => segment.sections).filter((section) => !section.zeroFill);
            const fused = Buffer.from(original);
            const fuse = fused.indexOf(`${SENTINEL_FUSE}:0`);
            assert.ok(fuse > 0 && fused.indexOf(`${SENTINEL_FUSE}:0`, fuse + 1) === -1, "one fuse in Node's binary");
            fused.write("1", fuse + SENTINEL_FUSE.length + 1, "latin1");
            for (const section of sectionsOf(node)) {
                const released = sectionsOf(macho).find((s) => s.segment === section.segment && s.name === section.name);
                assert.ok(released, `${section.segment},${section.name} is there`);
                const bytes = (buffer: Buffer, s: typeof section) => buffer.subarray(s.offset, s.offset + s.size);
                assert.ok(bytes(fused, section).equals(bytes(file, released)), `${section.segment},${section.name} is Node's own`);
            }
            const [before, after] = [decodedFixups(node), decodedFixups(macho)];
            assert.ok(before.size > 0, "the loader's information is read");
            for (const [what, value] of before) assert.ok(isDeepStrictEqual(value, after.get(what)), `the loader's ${what} information is Node's own`);
        });
    }
});

// The signer writes what rcodesign 0.29.0 (the Rust crate apple-codesign, an independent implementation of Apple's
// format) writes, byte for byte, on each pinned Node binary without its signature: the SHA-256 of rcodesign's output,
// recorded with `cargo install --locked --no-default-features apple-codesign --version 0.29.0`, then
// `rcodesign sign node` on the file withoutSignature() writes (named node), and `sha256sum node`. A new Node pin
// needs them recorded again.
const RCODESIGN_SIGNED: Record<string, string> = {
    "darwin-arm64": "768a7edbebe32cdda92529b2a2eb4f9ee5b19f759f01ad637e9e0b64e8e41bf0",
    "darwin-amd64": "2bfed1d144fbdb1c318b6186d663059a47409fe42316d76d327b193642a251fa",
};

describe("the macOS signature, the one rcodesign writes", function () {
    this.timeout(120_000);

    for (const name of ["darwin-arm64", "darwin-amd64"]) {
        it(`${name}: Node's binary without its signature, signed ad hoc, is byte for byte what rcodesign 0.29.0 writes`, function () {
            const unsigned = withoutSignature(fs.readFileSync(nodeBinary(platformNamed(name))));
            assert.strictEqual(readMachO(unsigned).signature, undefined, "the signature is taken out first");
            const signed = signedAdHoc(unsigned, "node");
            assert.strictEqual(createHash("sha256").update(signed).digest("hex"), RCODESIGN_SIGNED[name]);
        });
    }
});

/** A YAML program: a job, one that waits, and one whose kbId the check refuses (bad: true). */
function program(bad: boolean): string {
    const job = (name: string, more: Record<string, unknown> = {}): JobDeclaration => ({
        name,
        args: { connectorId: "warehouse-pg", kbId: 101, destTable: name, mode: "append", source: { kind: "postgres", connectionRef: "warehouse", table: "small_source", cursorColumn: "id" }, ...more },
    });
    const jobs = [job("orders"), job("customers", { waitForCompletion: { pollIntervalSeconds: 0.25 } })];
    return programIn("yaml", { jobs: bad ? [...jobs, job("bad", { kbId: 0 })] : jobs });
}

for (const name of ["linux-arm64", "windows-amd64"]) {
    describe(`the ${name} plugin, run here (${name === "linux-arm64" ? "qemu-user" : "Wine"}), under the real CLI with a YAML program`, function () {
        this.timeout(600_000);
        let emu: Emulator;
        let cli: Awaited<ReturnType<typeof emulatorStack>>;

        before(async function () {
            const binDir = requirePulumiCli(this, ["yaml"]);
            const platform = platformNamed(name);
            const missing = runnerMissing(platform);
            requireTool(this, { found: missing ? undefined : name, missing: missing ?? "", requiredEnvVar: "TIMBAL_REQUIRE_PLATFORM_RUNNERS" });
            emu = await emulator({ seed: { ...DEFAULT_SEED, tableRows: { ...DEFAULT_SEED.tableRows, small_source: 500 } } });
            const wrapper = pluginWrapper(platform, extractExecutable(tarballs.get(name)!, platform));
            const project = yamlProject(fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${name}-`)), `on-${name}`, program(true), { pluginPath: wrapper });
            cli = await emulatorStack(project, binDir, emu);
        });
        after(async () => emu?.stop());

        it("a bad field's check error names the field, and nothing is sent", async function () {
            const preview = await cli.run(["preview"]);
            assert.notStrictEqual(preview.code, 0);
            assert.match(preview.output, /kbId: must be an integer >= 1/);
            assert.strictEqual(emu.requests.length, 0);
        });

        it("preview lists the jobs and sends nothing; up dispatches each once; refresh reads; destroy sends nothing", async function () {
            fs.writeFileSync(path.join(cli.projectDir, "Pulumi.yaml"), fs.readFileSync(path.join(cli.projectDir, "Pulumi.yaml"), "utf8").replace(/resources:[^]*$/, program(false).slice(program(false).indexOf("resources:"))));
            const preview = await cli.ok(["preview"]);
            assert.match(preview.output, /\+ .*orders/);
            assert.strictEqual(emu.requests.length, 0, "preview sends nothing");

            await cli.ok(["up", "--yes"]);
            assert.strictEqual(count(emu, "POST"), 2, "one dispatch per job");
            const resources = await cli.resources();
            assert.deepStrictEqual([resources.orders.id, resources.customers.id].sort(), emu.world.jobs.map((job) => job.id).sort());
            assert.strictEqual(resources["customers-completion"].outputs.state, "succeeded", "the waiting job waited");

            const gets = count(emu, "GET");
            await cli.ok(["refresh", "--yes"]);
            assert.ok(count(emu, "GET") > gets, "refresh reads the job list");
            assert.strictEqual(count(emu, "POST"), 2);

            const before = emu.requests.length;
            await cli.ok(["destroy", "--yes"]);
            assert.strictEqual(emu.requests.length, before, "destroy sends nothing");
            assert.deepStrictEqual(Object.keys(await cli.resources()), []);
        });
    });
}
