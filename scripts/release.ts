import { buildRelease } from "../harness/release-artifacts";

// npm run release: what a release publishes, built anew into build/: the plugin's tarball (build/plugin/) and the
// Python SDK's wheel (build/python/). The Go SDK is the module in sdk/go.
buildRelease().then(
    ({ tarball, wheel }) => console.log(`${tarball}\n${wheel}`),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
