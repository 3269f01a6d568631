import { allHeld, HEADER, LANGUAGES, RECOVERIES, runChaos, type ChaosRun, type Recovery } from "../harness/chaos";

// `npm run chaos`: see harness/chaos.ts. For each program, TypeScript (the dynamic provider), YAML and Python (the
// provider plugin): CHAOS_RUNS interrupted first deployments, then CHAOS_RERUN_RUNS interrupted re-dispatches of a run
// policy. Each run recovers on the same machine or on a fresh runner, alternately; CHAOS_RECOVERY=fresh-runner (or
// same-machine) recovers every run there.

const runs = Number(process.env.CHAOS_RUNS ?? 12);
const rerunRuns = Number(process.env.CHAOS_RERUN_RUNS ?? 6);
const seed = Number(process.env.CHAOS_SEED ?? 11);
const recoveryMode = process.env.CHAOS_RECOVERY;
const recoveries: ReadonlyArray<Recovery> = RECOVERIES.filter((where) => !recoveryMode || where.replace(" ", "-") === recoveryMode);
if (recoveries.length === 0) {
    console.error(`CHAOS_RECOVERY=${recoveryMode}: say fresh-runner or same-machine (or leave it unset: both, alternately)`);
    process.exit(2);
}
console.log(
    `\nChaos: ${runs} interrupted \`pulumi up\` runs and ${rerunRuns} interrupted run-policy re-dispatches (seed ${seed}) of each ` +
        `program, 3 resources each (2 wait, 1 does not), recovered on: ${recoveries.join(" and ")}\n`,
);
console.log(HEADER);

async function runBoth(): Promise<ChaosRun[]> {
    const results: ChaosRun[] = [];
    const log = (line: string) => console.log(line);
    for (const language of LANGUAGES) {
        results.push(...(await runChaos({ runs, seed, language, recoveries, log })));
        results.push(...(await runChaos({ runs: rerunRuns, seed, language, recoveries, scenario: "rerun", log })));
    }
    return results;
}

runBoth()
    .then((results) => {
        const summary = (label: string, pick: (r: ChaosRun) => boolean) => `${label}: ${results.filter(pick).length}`;
        const expected = (r: ChaosRun) => (r.scenario === "rerun" ? 2 : 1);
        console.log(`\n${summary("runs where every resource has exactly its jobs (1; 2 after a re-dispatch)", (r) => r.jobsPerResource.every((n) => n === expected(r)))} of ${results.length}`);
        console.log(summary("runs with a resource without its job", (r) => r.resourcesWithoutJob > 0));
        console.log(summary("runs that left a process behind", (r) => r.survivors > 0));
        console.log(summary("runs that left Pulumi's idle, never-called provider host behind", (r) => r.idleUncalledHosts > 0));
        console.log(summary("runs that left Pulumi's idle language host behind (until its 5-minute health check)", (r) => r.idleLanguageHosts > 0));
        process.exit(allHeld(results) ? 0 : 1);
    })
    .catch((err) => {
        console.error(`chaos: ${err instanceof Error ? err.stack : err}`);
        process.exit(1);
    });
