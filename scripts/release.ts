import { REPO_ROOT } from "../harness/repo-root";
import { buildRelease } from "../release/release";

// npm run release: what a release publishes, built anew into build/ (release/release.ts).
buildRelease(REPO_ROOT).then(
    ({ plugin, wheel }) => console.log([...plugin.tarballs.values(), plugin.sums, wheel].join("\n")),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
