import * as assert from "assert";
import { readMachO, isAdHoc } from "../../harness/macho";
import { signedAdHoc } from "../../release/macos-signature";

// The ad-hoc signer on small Mach-O executables made here: what it writes, read back by harness/macho.ts, and what it
// refuses. That it writes rcodesign's bytes on Node's own binaries is proven in test/cli/platforms.test.ts, beside the
// release build that fetches them.

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const LC_VERSION_MIN_MACOSX = 0x24;
const LC_BUILD_VERSION = 0x32;

interface Shape {
    magic?: number;
    filetype?: number;
    /** How it names its target: LC_BUILD_VERSION for macOS (the default) or iOS, LC_VERSION_MIN_MACOSX, or nothing. */
    target?: "macOS" | "iOS" | "version-min macOS" | "none";
    /** The target's minimum version, as nibbles (0x000b0000, the default, is 11.0). */
    minos?: number;
    signed?: boolean;
    /** __TEXT's one section: __text (the default), __info_plist, or none. */
    section?: "__text" | "__info_plist" | "none";
    /** Where that section's bytes start (default: 512, well after the load commands). */
    sectionAt?: number;
    /** The segment named __TEXT by default, renamed. */
    textName?: string;
    /** Bytes after __LINKEDIT that no segment holds. */
    trailing?: number;
}

/** A 64-bit executable: __TEXT (a page, with one section), __LINKEDIT (100 bytes) and its target, shaped by `shape`. */
function executable(shape: Shape = {}): Buffer {
    const segment = (name: string, fileoff: number, filesize: number, sections: string[] = []) => {
        const command = Buffer.alloc(72 + 80 * sections.length);
        command.writeUInt32LE(LC_SEGMENT_64, 0);
        command.writeUInt32LE(command.length, 4);
        command.write(name, 8, "latin1");
        command.writeBigUInt64LE(BigInt(fileoff), 40);
        command.writeBigUInt64LE(BigInt(filesize), 48);
        command.writeUInt32LE(sections.length, 64);
        sections.forEach((section, i) => {
            command.write(section, 72 + 80 * i, "latin1");
            command.write(name, 72 + 80 * i + 16, "latin1");
            command.writeBigUInt64LE(64n, 72 + 80 * i + 40); // size
            command.writeUInt32LE(shape.sectionAt ?? 512, 72 + 80 * i + 48); // offset
        });
        return command;
    };
    const target = shape.target ?? "macOS";
    const targeting = Buffer.alloc(target === "version-min macOS" ? 16 : 24);
    targeting.writeUInt32LE(target === "version-min macOS" ? LC_VERSION_MIN_MACOSX : LC_BUILD_VERSION, 0);
    targeting.writeUInt32LE(targeting.length, 4);
    if (target === "version-min macOS") targeting.writeUInt32LE(shape.minos ?? 0x000b0000, 8);
    else {
        targeting.writeUInt32LE(target === "iOS" ? 2 : 1, 8); // PLATFORM_IOS, PLATFORM_MACOS
        targeting.writeUInt32LE(shape.minos ?? 0x000b0000, 12);
    }
    const section = shape.section ?? "__text";
    const commands = [segment(shape.textName ?? "__TEXT", 0, 4096, section === "none" ? [] : [section]), segment("__LINKEDIT", 4096, 100)];
    if (target !== "none") commands.push(targeting);
    if (shape.signed) {
        const signature = Buffer.alloc(16);
        signature.writeUInt32LE(LC_CODE_SIGNATURE, 0);
        signature.writeUInt32LE(16, 4);
        commands.push(signature);
    }
    const file = Buffer.alloc(4096 + 100 + (shape.trailing ?? 0));
    file.writeUInt32LE(shape.magic ?? 0xfeedfacf, 0);
    file.writeUInt32LE(shape.filetype ?? 2, 12);
    file.writeUInt32LE(commands.length, 16);
    const loadCommands = Buffer.concat(commands);
    file.writeUInt32LE(loadCommands.length, 20);
    loadCommands.copy(file, 32);
    file.fill(0x5a, 4096); // __LINKEDIT's bytes
    return file;
}

describe("unit: the macOS executables' ad-hoc signature (release/macos-signature.ts)", function () {
    it("signs after __LINKEDIT, 16-aligned: every page hash and the requirements' hash verify, ad hoc, under the identifier given", function () {
        const signed = signedAdHoc(executable(), "pulumi-resource-timbal");
        const macho = readMachO(signed);
        assert.ok(macho.signature, "signed");
        assert.strictEqual(macho.signature.offset, 4208, "after __LINKEDIT's 4196 bytes, on 16 bytes");
        const [directory] = macho.signature.codeDirectories;
        assert.strictEqual(macho.signature.codeDirectories.length, 1, "one CodeDirectory: SHA-256");
        assert.strictEqual(directory.hashType, "sha256");
        assert.ok(isAdHoc(directory), "ad hoc");
        assert.strictEqual(directory.identifier, "pulumi-resource-timbal");
        assert.strictEqual(directory.codeLimit, 4208);
        assert.strictEqual(directory.pages, 2);
        assert.deepStrictEqual(directory.badPages, []);
        assert.strictEqual(directory.specialSlots, 2, "slots 2 (requirements) and 1 (no Info.plist)");
        assert.deepStrictEqual(directory.badSpecialSlots, []);
        const linkedit = macho.segments.find((segment) => segment.name === "__LINKEDIT")!;
        assert.strictEqual(linkedit.fileoff + linkedit.filesize, signed.length, "__LINKEDIT holds the signature, to the file's end");
        assert.strictEqual(linkedit.vmsize % 16384n, 0n, "its vmsize on 16 KiB");
        // rcodesign's reservation: 1024 + 32 per page + 12 (requirements) + 4096, then up to the next KiB.
        assert.strictEqual(signed.length - 4208, 6144);
    });

    it("reads the target from LC_VERSION_MIN_MACOSX when there is no LC_BUILD_VERSION", function () {
        assert.ok(readMachO(signedAdHoc(executable({ target: "version-min macOS" }), "plugin")).signature);
    });

    const refusals: Array<[string, Shape | "elf", RegExp]> = [
        ["a Linux executable", "elf", /not a 64-bit little-endian Mach-O/],
        ["a universal binary", { magic: 0xbebafeca }, /not a 64-bit little-endian Mach-O/],
        ["a library", { filetype: 6 }, /not an executable/],
        ["a signed executable", { signed: true }, /signed already/],
        ["a target older than SHA-256 signatures", { minos: 0x000a0900 }, /macOS 10\.11\.4 or later/],
        ["an older LC_VERSION_MIN_MACOSX target", { target: "version-min macOS", minos: 0x000a0900 }, /macOS 10\.11\.4 or later/],
        ["an iOS target", { target: "iOS" }, /macOS 10\.11\.4 or later/],
        ["no target", { target: "none" }, /macOS 10\.11\.4 or later/],
        ["an embedded Info.plist", { section: "__info_plist" }, /embeds an Info\.plist/],
        ["no section", { section: "none" }, /no section/],
        ["no __TEXT segment", { textName: "__DATA" }, /no __LINKEDIT or no __TEXT/],
        ["bytes after __LINKEDIT", { trailing: 8 }, /__LINKEDIT is not the last segment, or not the last bytes/],
        ["no room for LC_CODE_SIGNATURE", { sectionAt: 32 + 72 + 80 + 72 + 24 + 8 }, /no room after its load commands/],
    ];
    for (const [what, shape, message] of refusals) {
        it(`refuses ${what}, naming the file and why`, function () {
            const file = shape === "elf" ? Buffer.from("\x7fELF\x02\x01\x01\0".padEnd(64, "\0"), "latin1") : executable(shape);
            assert.throws(() => signedAdHoc(file, "plugin", "build/darwin-arm64/plugin"), (err: Error) => {
                assert.match(err.message, /^cannot sign build\/darwin-arm64\/plugin ad hoc: /);
                assert.match(err.message, message);
                return true;
            });
        });
    }
});
