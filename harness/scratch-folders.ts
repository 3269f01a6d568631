import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// Folders a test process makes and needs until it ends (a CLI's state and plugins, an extracted plugin, a virtualenv:
// each 80 to 130 MB), removed when it exits, whichever way its tests went.

const MADE: string[] = [];
process.once("exit", () => {
    for (const dir of MADE) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new folder under the system's temporary folder, named `<prefix>XXXXXX`, removed when this process exits. */
export function scratchFolder(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    MADE.push(dir);
    return dir;
}
