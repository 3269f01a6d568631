import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../repo-root";
import { startServerProcess, type LocalServer } from "./local-server";

// The rehearsal's npm registry: Verdaccio (tools/verdaccio/ensure.sh), storage in a new folder. Our scope
// (@timbal/*) is served only from what was published into it; every other package comes through it from the
// machine's registry (an uplink), as a project installing @timbal/pulumi-connector-jobs also installs @pulumi/pulumi.

export interface NpmRegistry extends LocalServer {
    /** What a project needs to install from it: its address, and nothing else. */
    env: Record<string, string>;
    /** `npm publish <tarball>`, as a maintainer publishes (logged in to the registry). */
    publish(tarball: string): void;
}

const verdaccio = () => execFileSync("bash", [path.join(REPO_ROOT, "tools", "verdaccio", "ensure.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();

export async function startNpmRegistry(): Promise<NpmRegistry> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-verdaccio-"));
    const uplink = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
    const config = path.join(dir, "config.yaml");
    fs.writeFileSync(
        config,
        [
            `storage: ${path.join(dir, "storage")}`,
            "auth:",
            "  htpasswd:",
            `    file: ${path.join(dir, "htpasswd")}`,
            "uplinks:",
            "  machine:",
            `    url: ${uplink}`,
            "packages:",
            "  '@timbal/*':",
            "    access: $all",
            "    publish: $authenticated",
            "  '**':",
            "    access: $all",
            "    publish: $authenticated",
            "    proxy: machine",
            "log: { type: stdout, format: pretty, level: warn }",
            "",
        ].join("\n"),
    );
    const bin = verdaccio();
    const server = await startServerProcess("verdaccio", (port) => [bin, "--config", config, "--listen", `127.0.0.1:${port}`], "/-/ping");
    const npmrc = path.join(dir, "publisher.npmrc");
    try {
        fs.writeFileSync(npmrc, `registry=${server.url}/\n//127.0.0.1:${new URL(server.url).port}/:_authToken=${await addUser(server.url)}\n`);
    } catch (error) {
        await server.stop();
        throw error;
    }
    return {
        ...server,
        // Its storage and the publisher's token go with it.
        stop: () => server.stop().then(() => fs.rmSync(dir, { recursive: true, force: true })),
        env: { npm_config_registry: `${server.url}/` },
        publish(tarball: string) {
            execFileSync("npm", ["publish", tarball, "--access", "public", "--userconfig", npmrc, "--registry", `${server.url}/`], { stdio: ["ignore", "pipe", "pipe"] });
        },
    };
}

/** Registers a publisher (what `npm adduser` sends) and returns its token. */
async function addUser(url: string): Promise<string> {
    const response = await fetch(`${url}/-/user/org.couchdb.user:rehearsal`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "rehearsal", password: "rehearsal-password", email: "rehearsal@example.com" }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token) throw new Error(`verdaccio refused the publisher: ${response.status} ${JSON.stringify(body)}`);
    return body.token;
}
