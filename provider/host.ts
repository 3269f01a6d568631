import { createConnectorJobProvider } from "./runtime";

// Loaded by the serialized provider (provider.ts) inside the Pulumi provider host, by package name. The host serves
// one deployment, so one provider per process; configure sets its credentials once.
// Tuning knobs, read once per host process:
//   TIMBAL_SHARE_JOB_LISTS=0       one list request per resource and one poll loop per waiter: the naive baseline
//                                  that `npm run bench` compares with;
//   TIMBAL_JOB_LIST_WINDOW_MS=<ms> how old a shared job list a refresh may read (default 10000).
const window = process.env.TIMBAL_JOB_LIST_WINDOW_MS;
export const processProvider = createConnectorJobProvider({
    jobLists: {
        share: process.env.TIMBAL_SHARE_JOB_LISTS !== "0",
        windowMs: window === undefined || window === "" ? undefined : Number(window),
    },
});
