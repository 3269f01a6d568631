import { createHash } from "crypto";
import * as fs from "fs";

// macOS runs no arm64 executable without a valid signature, and an injected blob invalidates the one Node's binary
// came with: macOS kills such a binary at launch (pulumi-awsx#1490). postject removes that signature when it injects
// the blob, and each macOS executable is signed again here, ad hoc (no certificate: a signature that only vouches for
// the bytes), on Linux.
//
// The signature is the one rcodesign 0.29.0 (the Rust crate apple-codesign) writes with `rcodesign sign` on such an
// executable, byte for byte (test/cli/platforms.test.ts, on Node's own binaries): a CodeDirectory of SHA-256 page hashes, an empty
// requirement set and an empty CMS blob, in an embedded-signature SuperBlob at the end of __LINKEDIT, padded to the
// size rcodesign reserves. Apple's format is xnu's cs_blobs.h (big-endian); the Mach-O's own fields are little-endian.
// Anything rcodesign would sign otherwise or refuse (a binary already signed, a universal or 32-bit binary, an
// embedded Info.plist, a target other than macOS 10.11.4 or later, no section) is refused here.

const MH_MAGIC_64 = 0xfeedfacf;
const MH_EXECUTE = 0x2;
const MACH_HEADER_64_SIZE = 32;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const LC_BUILD_VERSION = 0x32;
/** LC_VERSION_MIN_MACOSX, _IPHONEOS, _TVOS and _WATCHOS: the older way to name a target, read when no LC_BUILD_VERSION is there. */
const LC_VERSION_MIN: Record<number, string> = { 0x24: "macOS", 0x25: "iOS", 0x2f: "tvOS", 0x30: "watchOS" };
const LINKEDIT_DATA_COMMAND_SIZE = 16;
const PLATFORM_MACOS = 1;
/** macOS 10.11.4, the first to take SHA-256 CodeDirectories (nibbles xxxx.yy.zz); older targets need SHA-1 too. */
const SHA256_MINIMUM_MACOS = 0x000a0b04;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
/** The CodeDirectory version with the executable segment's fields, which rcodesign writes for a macOS executable. */
const CS_SUPPORTSEXECSEG = 0x20400;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CS_HASHTYPE_SHA256 = 2;
const HASH_SIZE = 32;
const PAGE_SIZE = 4096;
/** rcodesign's room for a CodeDirectory's fixed parts, and for a CMS signature (empty here, reserved anyway). */
const CODE_DIRECTORY_RESERVE = 1024;
const CMS_RESERVE = 4096;
/** __LINKEDIT's vmsize is rounded up to 16 KiB, as Apple's codesign does. */
const LINKEDIT_VM_ROUNDING = 16384;

interface LinkeditSegment {
    /** Where its load command starts in the file. */
    command: number;
    fileoff: number;
    filesize: number;
}

/** What signing needs from the executable, after checking that it is one this signer writes rcodesign's bytes for. */
interface Unsigned {
    ncmds: number;
    sizeofcmds: number;
    linkedit: LinkeditSegment;
    /** __TEXT's file range: the executable segment the CodeDirectory names. */
    text: { fileoff: number; filesize: number };
}

const refuse = (file: string, why: string): never => {
    throw new Error(`cannot sign ${file} ad hoc: ${why}`);
};

/** A fixed-size name field (segment, section): its characters up to the first NUL. */
const nameAt = (bytes: Buffer, at: number) => bytes.toString("latin1", at, at + 16).replace(/\0.*$/s, "");

function readUnsigned(bytes: Buffer, file: string): Unsigned {
    if (bytes.length < MACH_HEADER_64_SIZE || bytes.readUInt32LE(0) !== MH_MAGIC_64) refuse(file, "not a 64-bit little-endian Mach-O (universal and 32-bit binaries are not signed here)");
    if (bytes.readUInt32LE(12) !== MH_EXECUTE) refuse(file, "not an executable (MH_EXECUTE)");
    const ncmds = bytes.readUInt32LE(16);
    const sizeofcmds = bytes.readUInt32LE(20);
    const segments: Array<LinkeditSegment & { name: string }> = [];
    let firstSection: number | undefined; // the file offset of the first section, in load command order
    let buildVersion: { platform: string; minos: number } | undefined;
    let versionMin: { platform: string; minos: number } | undefined;
    for (let i = 0, at = MACH_HEADER_64_SIZE; i < ncmds; i++) {
        const cmd = bytes.readUInt32LE(at);
        if (cmd === LC_CODE_SIGNATURE) refuse(file, "it is signed already (this signs an executable as postject leaves it: with no signature)");
        if (cmd === LC_BUILD_VERSION) buildVersion ??= { platform: bytes.readUInt32LE(at + 8) === PLATFORM_MACOS ? "macOS" : "another platform", minos: bytes.readUInt32LE(at + 12) };
        if (cmd in LC_VERSION_MIN) versionMin ??= { platform: LC_VERSION_MIN[cmd], minos: bytes.readUInt32LE(at + 8) };
        if (cmd === LC_SEGMENT_64) {
            const name = nameAt(bytes, at + 8);
            segments.push({ name, command: at, fileoff: Number(bytes.readBigUInt64LE(at + 40)), filesize: Number(bytes.readBigUInt64LE(at + 48)) });
            for (let s = 0, section = at + 72; s < bytes.readUInt32LE(at + 64); s++, section += 80) {
                if (name === "__TEXT" && nameAt(bytes, section) === "__info_plist") refuse(file, "it embeds an Info.plist, whose hash rcodesign would add");
                firstSection ??= bytes.readUInt32LE(section + 48);
            }
        }
        at += bytes.readUInt32LE(at + 4);
    }
    const linkedit = segments.find((segment) => segment.name === "__LINKEDIT");
    const text = segments.find((segment) => segment.name === "__TEXT");
    if (!linkedit || !text) return refuse(file, "it has no __LINKEDIT or no __TEXT segment");
    if (segments.some((segment) => segment !== linkedit && segment.fileoff >= linkedit.fileoff) || linkedit.fileoff + linkedit.filesize !== bytes.length) {
        refuse(file, "__LINKEDIT is not the last segment, or not the last bytes of the file");
    }
    // rcodesign reads the first LC_BUILD_VERSION, or else the first LC_VERSION_MIN_*: an older target gets SHA-1 too.
    const target = buildVersion ?? versionMin;
    if (target?.platform !== "macOS" || target.minos < SHA256_MINIMUM_MACOS) refuse(file, "it does not target macOS 10.11.4 or later (rcodesign would add SHA-1 hashes, or sign for another platform)");
    const commandsEnd = MACH_HEADER_64_SIZE + sizeofcmds;
    if (firstSection === undefined) return refuse(file, "it has no section");
    const room = bytes.subarray(commandsEnd, commandsEnd + LINKEDIT_DATA_COMMAND_SIZE);
    if (commandsEnd + LINKEDIT_DATA_COMMAND_SIZE > firstSection || room.some((byte) => byte !== 0)) refuse(file, "there is no room after its load commands for LC_CODE_SIGNATURE");
    return { ncmds, sizeofcmds, linkedit, text };
}

/** A blob of Apple's signature format: magic, length, then the payload. */
function blob(magic: number, payload: Buffer): Buffer {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(magic, 0);
    header.writeUInt32BE(8 + payload.length, 4);
    return Buffer.concat([header, payload]);
}

/** The bytes rcodesign reserves for the signature of `pages` pages (those of the unsigned file): more than it writes; the rest stays zeros. */
function reservedSize(pages: number, requirements: Buffer): number {
    const size = CODE_DIRECTORY_RESERVE + pages * HASH_SIZE + requirements.length + CMS_RESERVE;
    return size + 1024 - (size % 1024);
}

function codeDirectory(identifier: string, signed: Buffer, codeLimit: number, text: Unsigned["text"], requirements: Buffer): Buffer {
    const pages = Math.ceil(codeLimit / PAGE_SIZE);
    const fixed = Buffer.alloc(0x58 - 8); // the fields after magic and length, up to the executable segment's flags
    const ident = Buffer.from(`${identifier}\0`, "utf8");
    const specialSlots = [createHash("sha256").update(requirements).digest(), Buffer.alloc(HASH_SIZE)]; // slot 2, then slot 1 (Info.plist: none)
    fixed.writeUInt32BE(CS_SUPPORTSEXECSEG, 0);
    fixed.writeUInt32BE(CS_ADHOC, 4);
    fixed.writeUInt32BE(0x58 + ident.length + specialSlots.length * HASH_SIZE, 8); // hashOffset: the first page's hash
    fixed.writeUInt32BE(0x58, 12); // identOffset
    fixed.writeUInt32BE(specialSlots.length, 16);
    fixed.writeUInt32BE(pages, 20);
    fixed.writeUInt32BE(codeLimit, 24);
    fixed.writeUInt8(HASH_SIZE, 28);
    fixed.writeUInt8(CS_HASHTYPE_SHA256, 29);
    fixed.writeUInt8(0, 30); // platform
    fixed.writeUInt8(Math.log2(PAGE_SIZE), 31);
    // spare2, scatterOffset, teamOffset, spare3 and codeLimit64 stay 0.
    fixed.writeBigUInt64BE(BigInt(text.fileoff), 0x38);
    fixed.writeBigUInt64BE(BigInt(text.fileoff + text.filesize), 0x40);
    fixed.writeBigUInt64BE(BigInt(CS_EXECSEG_MAIN_BINARY), 0x48);
    const pageHashes = Buffer.alloc(pages * HASH_SIZE);
    for (let page = 0; page < pages; page++) {
        const start = page * PAGE_SIZE;
        createHash("sha256")
            .update(signed.subarray(start, Math.min(start + PAGE_SIZE, codeLimit)))
            .digest()
            .copy(pageHashes, page * HASH_SIZE);
    }
    return blob(CSMAGIC_CODEDIRECTORY, Buffer.concat([fixed, ident, ...specialSlots, pageHashes]));
}

/** The embedded signature: a SuperBlob indexing its blobs by slot, in slot order. */
function superBlob(blobs: Array<[slot: number, bytes: Buffer]>): Buffer {
    const index = Buffer.alloc(4 + blobs.length * 8);
    index.writeUInt32BE(blobs.length, 0);
    let offset = 12 + blobs.length * 8;
    blobs.forEach(([slot, bytes], i) => {
        index.writeUInt32BE(slot, 4 + i * 8);
        index.writeUInt32BE(offset, 8 + i * 8);
        offset += bytes.length;
    });
    return blob(CSMAGIC_EMBEDDED_SIGNATURE, Buffer.concat([index, ...blobs.map(([, bytes]) => bytes)]));
}

/** The executable `bytes`, signed ad hoc under `identifier` (rcodesign's is the file's name, for a name with no dot). */
export function signedAdHoc(bytes: Buffer, identifier: string, file = identifier): Buffer {
    const { ncmds, sizeofcmds, linkedit, text } = readUnsigned(bytes, file);
    const linkeditEnd = linkedit.fileoff + linkedit.filesize;
    const codeLimit = Math.ceil(linkeditEnd / 16) * 16; // signatures start on 16 bytes
    if (codeLimit > 0xffffffff) refuse(file, "it is over 4 GiB");
    const requirements = blob(CSMAGIC_REQUIREMENTS, Buffer.alloc(4)); // no requirement
    const signatureSize = reservedSize(Math.ceil(linkeditEnd / PAGE_SIZE), requirements);

    // The executable with its load commands as they will be once signed, since the page hashes cover them.
    const signed = Buffer.alloc(codeLimit + signatureSize);
    bytes.copy(signed, 0, 0, linkeditEnd);
    signed.writeUInt32LE(ncmds + 1, 16);
    signed.writeUInt32LE(sizeofcmds + LINKEDIT_DATA_COMMAND_SIZE, 20);
    const command = MACH_HEADER_64_SIZE + sizeofcmds;
    signed.writeUInt32LE(LC_CODE_SIGNATURE, command);
    signed.writeUInt32LE(LINKEDIT_DATA_COMMAND_SIZE, command + 4);
    signed.writeUInt32LE(codeLimit, command + 8);
    signed.writeUInt32LE(signatureSize, command + 12);
    const linkeditSize = codeLimit - linkedit.fileoff + signatureSize;
    signed.writeBigUInt64LE(BigInt(Math.ceil(linkeditSize / LINKEDIT_VM_ROUNDING) * LINKEDIT_VM_ROUNDING), linkedit.command + 32); // vmsize
    signed.writeBigUInt64LE(BigInt(linkeditSize), linkedit.command + 48); // filesize

    const signature = superBlob([
        [CSSLOT_CODEDIRECTORY, codeDirectory(identifier, signed, codeLimit, text, requirements)],
        [CSSLOT_REQUIREMENTS, requirements],
        [CSSLOT_SIGNATURESLOT, blob(CSMAGIC_BLOBWRAPPER, Buffer.alloc(0))], // no CMS: ad hoc
    ]);
    if (signature.length > signatureSize) refuse(file, `its signature (${signature.length} bytes) outgrew the ${signatureSize} reserved`);
    signature.copy(signed, codeLimit);
    return signed;
}

/** Signs the macOS executable `file` ad hoc, in place, under `identifier`. */
export function signAdHoc(file: string, identifier: string): void {
    fs.writeFileSync(file, signedAdHoc(fs.readFileSync(file), identifier, file));
}
