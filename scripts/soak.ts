import { formatReport, runSoak } from "../harness/soak";
import { FAULT_KINDS } from "../emulator";

// `npm run soak`: see harness/soak.ts.

const dispatches = Number(process.env.SOAK_DISPATCHES ?? 1000);
const faultRate = Number(process.env.SOAK_FAULT_RATE ?? 0.2);
runSoak({ dispatches, faultRate })
    .then((report) => {
        console.log(`\nSoak: ${dispatches} dispatches through the real provider host, ${faultRate * 100}% of requests faulted (${FAULT_KINDS.join(", ")})\n`);
        console.log(formatReport(report));
        const ok = report.duplicates === 0 && report.resourcesWithoutJob === 0 && report.jobsLostSilently === 0 && report.unconfirmed === 0;
        process.exit(ok ? 0 : 1);
    })
    .catch((err) => {
        console.error(`soak: ${err instanceof Error ? err.stack : err}`);
        process.exit(1);
    });
