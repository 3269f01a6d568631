import { createHash } from "crypto";

// Reading a 64-bit Mach-O executable, enough to check a macOS release without a Mac: its CPU, its segments and
// sections, its chained fixups, and its code signature, whose CodeDirectory hashes every page of the file before it
// (Apple's code signing format, as xnu's cs_blobs.h declares it; the signature's blobs are big-endian).

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const LC_DYLD_CHAINED_FIXUPS = 0x80000034;
const LC_DYLD_INFO_ONLY = 0x80000022;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
/** CodeDirectory slots: the first one, and the alternates (0x1000 on). */
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
const CS_ADHOC = 0x2;
/** Section types S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL. */
const ZERO_FILL_TYPES = new Set([0x1, 0xc, 0x12]);
const HASH_TYPES: Record<number, string> = { 1: "sha1", 2: "sha256" };

export const CPU_TYPES: Record<string, number> = { arm64: 0x0100000c, amd64: 0x01000007 };

export interface Section {
    segment: string;
    name: string;
    offset: number;
    size: number;
    /** Zero-fill: no bytes in the file (its offset means nothing). */
    zeroFill: boolean;
}

export interface Segment {
    name: string;
    vmaddr: bigint;
    vmsize: bigint;
    fileoff: number;
    filesize: number;
    sections: Section[];
}

export interface CodeDirectory {
    hashType: string;
    flags: number;
    identifier: string;
    codeLimit: number;
    pageSize: number;
    /** Pages whose hash in the CodeDirectory is not the hash of the file's page. */
    badPages: number[];
    pages: number;
    /** How many special slots (1: Info.plist, 2: requirements, 5: entitlements, ...) the CodeDirectory hashes. */
    specialSlots: number;
    /**
     * Special slots whose hash is not that of the signature's blob in the slot, or zeros when the signature has no
     * such blob (right for an executable with no Info.plist and no resources, the only kind read here, whose slots 1
     * and 3 hash nothing); and the slots of blobs the CodeDirectory does not hash at all.
     */
    badSpecialSlots: number[];
}

export interface MachO {
    cpuType: number;
    segments: Segment[];
    /**
     * What the loader reads to fix the binary up, by name: the chained fixups (LC_DYLD_CHAINED_FIXUPS), or the
     * rebase, bind, weak bind, lazy bind and export information (LC_DYLD_INFO_ONLY).
     */
    fixups: Map<string, Buffer>;
    /** Where the signature starts in the file, and its CodeDirectories; undefined when unsigned. */
    signature?: { offset: number; codeDirectories: CodeDirectory[] };
}

const cString = (bytes: Buffer) => bytes.toString("latin1").replace(/\0.*$/s, "");

/** `blobs`: the signature's other blobs by slot, whose hashes the CodeDirectory's special slots hold. */
function readCodeDirectory(file: Buffer, at: number, blobs: Map<number, Buffer>): CodeDirectory {
    const u32 = (offset: number) => file.readUInt32BE(at + offset);
    const hashOffset = u32(16);
    const nSpecialSlots = u32(24);
    const nCodeSlots = u32(28);
    const codeLimit = u32(32);
    const hashSize = file[at + 36];
    const hashType = HASH_TYPES[file[at + 37]] ?? `type ${file[at + 37]}`;
    const pageSize = 2 ** file[at + 39];
    const badPages: number[] = [];
    for (let page = 0; page < nCodeSlots; page++) {
        const start = page * pageSize;
        const expected = file.subarray(at + hashOffset + page * hashSize, at + hashOffset + (page + 1) * hashSize);
        const actual = createHash(hashType).update(file.subarray(start, Math.min(start + pageSize, codeLimit))).digest();
        if (!actual.subarray(0, hashSize).equals(expected)) badPages.push(page);
    }
    const badSpecialSlots: number[] = [];
    for (let slot = 1; slot <= nSpecialSlots; slot++) {
        const expected = file.subarray(at + hashOffset - slot * hashSize, at + hashOffset - (slot - 1) * hashSize);
        const slotBlob = blobs.get(slot);
        const actual = slotBlob ? createHash(hashType).update(slotBlob).digest().subarray(0, hashSize) : Buffer.alloc(hashSize);
        if (!actual.equals(expected)) badSpecialSlots.push(slot);
    }
    for (const slot of blobs.keys()) if (slot > nSpecialSlots && slot < CSSLOT_ALTERNATE_CODEDIRECTORIES) badSpecialSlots.push(slot);
    return { hashType, flags: u32(12), identifier: cString(file.subarray(at + u32(20))), codeLimit, pageSize, badPages, pages: nCodeSlots, specialSlots: nSpecialSlots, badSpecialSlots };
}

export function readMachO(file: Buffer): MachO {
    if (file.readUInt32LE(0) !== MH_MAGIC_64) throw new Error(`not a 64-bit Mach-O file (magic 0x${file.readUInt32LE(0).toString(16)})`);
    const result: MachO = { cpuType: file.readInt32LE(4), segments: [], fixups: new Map() };
    const ncmds = file.readUInt32LE(16);
    let at = 32;
    for (let i = 0; i < ncmds; i++) {
        const cmd = file.readUInt32LE(at);
        const size = file.readUInt32LE(at + 4);
        if (cmd === LC_SEGMENT_64) {
            const segment: Segment = {
                name: cString(file.subarray(at + 8, at + 24)),
                vmaddr: file.readBigUInt64LE(at + 24),
                vmsize: file.readBigUInt64LE(at + 32),
                fileoff: Number(file.readBigUInt64LE(at + 40)),
                filesize: Number(file.readBigUInt64LE(at + 48)),
                sections: [],
            };
            const nsects = file.readUInt32LE(at + 64);
            for (let s = 0; s < nsects; s++) {
                const sect = at + 72 + s * 80;
                segment.sections.push({
                    name: cString(file.subarray(sect, sect + 16)),
                    segment: cString(file.subarray(sect + 16, sect + 32)),
                    size: Number(file.readBigUInt64LE(sect + 40)),
                    offset: file.readUInt32LE(sect + 48),
                    zeroFill: ZERO_FILL_TYPES.has(file.readUInt32LE(sect + 64) & 0xff),
                });
            }
            result.segments.push(segment);
        } else if (cmd === LC_DYLD_CHAINED_FIXUPS) {
            const dataoff = file.readUInt32LE(at + 8);
            result.fixups.set("chained fixups", file.subarray(dataoff, dataoff + file.readUInt32LE(at + 12)));
        } else if (cmd === LC_DYLD_INFO_ONLY) {
            ["rebase", "bind", "weak bind", "lazy bind", "export"].forEach((name, n) => {
                const offset = file.readUInt32LE(at + 8 + n * 8);
                result.fixups.set(name, file.subarray(offset, offset + file.readUInt32LE(at + 12 + n * 8)));
            });
        } else if (cmd === LC_CODE_SIGNATURE) {
            const dataoff = file.readUInt32LE(at + 8);
            if (file.readUInt32BE(dataoff) !== CSMAGIC_EMBEDDED_SIGNATURE) throw new Error("LC_CODE_SIGNATURE does not point at an embedded signature");
            const offsets = new Map<number, number>();
            const count = file.readUInt32BE(dataoff + 8);
            for (let b = 0; b < count; b++) offsets.set(file.readUInt32BE(dataoff + 12 + b * 8), dataoff + file.readUInt32BE(dataoff + 16 + b * 8));
            const blobs = new Map([...offsets].map(([slot, offset]) => [slot, file.subarray(offset, offset + file.readUInt32BE(offset + 4))]));
            const isDirectory = (slot: number) => slot === CSSLOT_CODEDIRECTORY || (slot >= CSSLOT_ALTERNATE_CODEDIRECTORIES && slot < CSSLOT_ALTERNATE_CODEDIRECTORIES + 5);
            const codeDirectories = [...offsets]
                .filter(([slot, offset]) => isDirectory(slot) && file.readUInt32BE(offset) === CSMAGIC_CODEDIRECTORY)
                .map(([, offset]) => readCodeDirectory(file, offset, blobs));
            result.signature = { offset: dataoff, codeDirectories };
        }
        at += size;
    }
    return result;
}

/** Whether a CodeDirectory is an ad-hoc signature's. */
export const isAdHoc = (directory: CodeDirectory) => (directory.flags & CS_ADHOC) !== 0;

/** The bytes of a section, by segment and section name. */
export function sectionBytes(file: Buffer, macho: MachO, segment: string, section: string): Buffer | undefined {
    const found = macho.segments.flatMap((s) => s.sections).find((s) => s.segment === segment && s.name === section);
    return found && file.subarray(found.offset, found.offset + found.size);
}

/**
 * A signed executable without its signature: LC_CODE_SIGNATURE taken out of the load commands, and __LINKEDIT's file
 * size and the file ending where the signature began (its vmsize stays: a signer sets it anew).
 */
export function withoutSignature(file: Buffer): Buffer {
    if (file.readUInt32LE(0) !== MH_MAGIC_64) throw new Error(`not a 64-bit Mach-O file (magic 0x${file.readUInt32LE(0).toString(16)})`);
    const ncmds = file.readUInt32LE(16);
    const sizeofcmds = file.readUInt32LE(20);
    let signature: { at: number; size: number; dataoff: number } | undefined;
    let linkedit: number | undefined;
    for (let i = 0, at = 32; i < ncmds; i++, at += file.readUInt32LE(at + 4)) {
        const cmd = file.readUInt32LE(at);
        if (cmd === LC_CODE_SIGNATURE) signature = { at, size: file.readUInt32LE(at + 4), dataoff: file.readUInt32LE(at + 8) };
        if (cmd === LC_SEGMENT_64 && cString(file.subarray(at + 8, at + 24)) === "__LINKEDIT") linkedit = at;
    }
    if (!signature || linkedit === undefined) throw new Error("not a signed Mach-O executable with __LINKEDIT");
    const [linkeditStart, linkeditSize] = [file.readBigUInt64LE(linkedit + 40), file.readBigUInt64LE(linkedit + 48)];
    if (BigInt(signature.dataoff) < linkeditStart || linkeditStart + linkeditSize !== BigInt(file.length)) {
        throw new Error("the signature is not in __LINKEDIT, or __LINKEDIT does not end the file");
    }
    const unsigned = Buffer.from(file.subarray(0, signature.dataoff));
    const commandsEnd = 32 + sizeofcmds;
    unsigned.copy(unsigned, signature.at, signature.at + signature.size, commandsEnd); // the commands after it move up
    unsigned.fill(0, commandsEnd - signature.size, commandsEnd);
    unsigned.writeUInt32LE(ncmds - 1, 16);
    unsigned.writeUInt32LE(sizeofcmds - signature.size, 20);
    const at = linkedit > signature.at ? linkedit - signature.size : linkedit;
    unsigned.writeBigUInt64LE(BigInt(signature.dataoff) - linkeditStart, at + 48);
    return unsigned;
}

function uleb(bytes: Buffer, at: { i: number }): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
        const byte = bytes[at.i++];
        result |= BigInt(byte & 0x7f) << shift;
        shift += 7n;
        if ((byte & 0x80) === 0) return result;
    }
}

function sleb(bytes: Buffer, at: { i: number }): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
        byte = bytes[at.i++];
        result |= BigInt(byte & 0x7f) << shift;
        shift += 7n;
    } while (byte & 0x80);
    return byte & 0x40 ? result - (1n << shift) : result;
}

function cStringAt(bytes: Buffer, at: { i: number }): string {
    const end = bytes.indexOf(0, at.i);
    const text = bytes.toString("latin1", at.i, end);
    at.i = end + 1;
    return text;
}

/**
 * What bind opcodes (LC_DYLD_INFO's bind, weak bind or lazy bind) bind: one `segment+offset ordinal symbol type
 * addend` line per pointer, in order. Two encodings of the same bindings give the same lines.
 */
export function decodeBindings(bytes: Buffer, lazy: boolean): string[] {
    const bound: string[] = [];
    const at = { i: 0 };
    let [ordinal, symbol, type, addend, segment, offset] = [0n, "", 0, 0n, 0, 0n];
    const bind = () => bound.push(`${segment}+${offset.toString(16)} ${ordinal} ${symbol} ${type} ${addend}`);
    while (at.i < bytes.length) {
        const byte = bytes[at.i++];
        const [opcode, immediate] = [byte & 0xf0, byte & 0x0f];
        switch (opcode) {
            case 0x00: // DONE: the end, but lazy bindings are one stream per symbol
                if (!lazy) return bound;
                break;
            case 0x10: ordinal = BigInt(immediate); break;
            case 0x20: ordinal = uleb(bytes, at); break;
            case 0x30: ordinal = immediate === 0 ? 0n : BigInt((0xf0 | immediate) << 24 >> 24); break;
            case 0x40: symbol = `${cStringAt(bytes, at)} (flags ${immediate})`; break;
            case 0x50: type = immediate; break;
            case 0x60: addend = sleb(bytes, at); break;
            case 0x70: [segment, offset] = [immediate, uleb(bytes, at)]; break;
            case 0x80: offset = BigInt.asUintN(64, offset + uleb(bytes, at)); break;
            case 0x90: bind(); offset += 8n; break;
            case 0xa0: bind(); offset = BigInt.asUintN(64, offset + uleb(bytes, at) + 8n); break;
            case 0xb0: bind(); offset += BigInt(immediate) * 8n + 8n; break;
            case 0xc0: {
                const count = uleb(bytes, at);
                const skip = uleb(bytes, at);
                for (let n = 0n; n < count; n++) {
                    bind();
                    offset += skip + 8n;
                }
                break;
            }
            default:
                throw new Error(`unknown bind opcode 0x${byte.toString(16)} at ${at.i - 1}`);
        }
    }
    return bound;
}

/** The exported symbols of an export trie, `symbol flags address` (or `symbol flags re-export ordinal name`), sorted. */
export function decodeExports(bytes: Buffer): string[] {
    const symbols: string[] = [];
    const visit = (node: number, prefix: string) => {
        const at = { i: node };
        const terminalSize = Number(uleb(bytes, at));
        const children = at.i + terminalSize;
        if (terminalSize > 0) {
            const flags = uleb(bytes, at);
            if (flags & 0x08n) symbols.push(`${prefix} ${flags} re-export ${uleb(bytes, at)} ${cStringAt(bytes, at)}`);
            else symbols.push(`${prefix} ${flags} ${uleb(bytes, at).toString(16)}${flags & 0x10n ? ` resolver ${uleb(bytes, at).toString(16)}` : ""}`);
        }
        at.i = children;
        const count = bytes[at.i++];
        for (let c = 0; c < count; c++) {
            const edge = cStringAt(bytes, at);
            visit(Number(uleb(bytes, at)), prefix + edge);
        }
    };
    if (bytes.length > 0) visit(0, "");
    return symbols.sort();
}

/** The loader's information, decoded: what two encodings of the same fixups have in common (see MachO.fixups). */
export function decodedFixups(macho: MachO): Map<string, string[] | Buffer> {
    return new Map<string, string[] | Buffer>(
        [...macho.fixups].map(([name, bytes]): [string, string[] | Buffer] => {
            if (name === "bind" || name === "weak bind" || name === "lazy bind") return [name, decodeBindings(bytes, name === "lazy bind")];
            if (name === "export") return [name, decodeExports(bytes)];
            return [name, bytes];
        }),
    );
}
