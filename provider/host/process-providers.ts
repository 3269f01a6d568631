import { defaultJournalDir } from "../jobs/dispatch-journal";
import { createCompletionProvider } from "../lifecycle/completion-lifecycle";
import { createConnectorJobProvider } from "../lifecycle/connector-job-lifecycle";
import { createSession } from "../lifecycle/session";
import { exitWhenEngineGone } from "./engine-watch";

// Loaded by the serialized providers (forward-to-host.ts) inside the Pulumi provider host, by package name. The host serves
// one deployment, so one session per process (credentials from configure, shared job lists and poll loops), with
// the two providers on it: ConnectorJob (dispatch) and ConnectorJobCompletion (wait).
// Tuning knobs, read once per host process:
//   TIMBAL_SHARE_JOB_LISTS=0         one list request per resource and one poll loop per waiter: the naive baseline
//                                    that `npm run bench` compares with;
//   TIMBAL_JOB_LIST_WINDOW_MS=<ms>   how old a shared job list a refresh may read (default 10000);
//   TIMBAL_DISPATCH_JOURNAL_DIR=<d>  where interrupted dispatches are remembered (default: in Pulumi's home);
//   TIMBAL_RECONCILE_FOR_MS=<ms>     how long a lost dispatch answer is looked for in the job list (default 300000).
const number = (value: string | undefined) => (value === undefined || value === "" ? undefined : Number(value));

const session = createSession({
    jobLists: {
        share: process.env.TIMBAL_SHARE_JOB_LISTS !== "0",
        windowMs: number(process.env.TIMBAL_JOB_LIST_WINDOW_MS),
    },
    journalDir: defaultJournalDir(),
    reconcileForMs: number(process.env.TIMBAL_RECONCILE_FOR_MS),
});
export const processProvider = createConnectorJobProvider({ session });
export const processCompletionProvider = createCompletionProvider(session);

// The host is started as `node <dynamic-provider> <engine address>`.
exitWhenEngineGone(process.argv[2]);

// At the end of a deployment the engine stops its plugins with SIGINT, after its last checkpoint: every job this
// process dispatched and returned is in state by then. (A killed CLI sends nothing: those entries stay.)
process.once("SIGINT", () => {
    session.journal.deploymentEnded();
    process.exit(0);
});
