import * as path from "path";

/** This checkout's root folder: the harness, the tests and the scripts find the repository's files from it. */
export const REPO_ROOT = path.resolve(__dirname, "..");
