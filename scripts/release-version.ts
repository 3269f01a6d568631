import { REPO_ROOT } from "../harness/repo-root";
import { setVersion, writtenVersions } from "../release/version";

// npm run release:version <x.y.z>: the new version in every place that names it (release/version.ts). Then add its
// entry to CHANGELOG.md; the next `npm test` checks that every place agrees and that CHANGELOG.md has the entry.
const version = process.argv[2];
if (!version) {
    console.error("usage: npm run release:version <x.y.z>");
    process.exit(2);
}
try {
    setVersion(REPO_ROOT, version);
} catch (err) {
    console.error((err as Error).message);
    process.exit(2);
}
for (const { place, version: written } of writtenVersions(REPO_ROOT)) console.log(`${written}  ${place}`);
