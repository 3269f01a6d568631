import { defaultJournalDir } from "../jobs/dispatch-journal";
import { createCompletionProvider } from "./completion-lifecycle";
import { createConnectorJobProvider } from "./connector-job-lifecycle";
import { exitWhenEngineGone } from "./engine-watch";
import { createSession, type SessionOptions } from "./session";

// One provider process, in either shell (Pulumi's dynamic provider host, or the timbal plugin): it serves one
// deployment, so one session (credentials from configure, shared job lists and poll loops), with the two lifecycles
// on it: ConnectorJob (dispatch) and ConnectorJobCompletion (wait).
// Tuning knobs, read once per process:
//   TIMBAL_SHARE_JOB_LISTS=0         one list request per resource and one poll loop per waiter: the naive baseline
//                                    that `npm run bench` compares with;
//   TIMBAL_JOB_LIST_WINDOW_MS=<ms>   how old a shared job list a refresh may read (default 10000);
//   TIMBAL_DISPATCH_JOURNAL_DIR=<d>  where interrupted dispatches are remembered (default: in Pulumi's home);
//   TIMBAL_RECONCILE_FOR_MS=<ms>     how long a lost dispatch answer is looked for in the job list (default 300000).
const number = (value: string | undefined) => (value === undefined || value === "" ? undefined : Number(value));

/**
 * The session and lifecycles of this process; `engineAddress` is the engine the process was started for. In both
 * shells ConnectorJob's create returns at the API's answer and a child ConnectorJobCompletion waits.
 */
export function startProviderProcess(engineAddress: string | undefined, options: Pick<SessionOptions, "log"> = {}) {
    const session = createSession({
        ...options,
        jobLists: {
            share: process.env.TIMBAL_SHARE_JOB_LISTS !== "0",
            windowMs: number(process.env.TIMBAL_JOB_LIST_WINDOW_MS),
        },
        journalDir: defaultJournalDir(),
        reconcileForMs: number(process.env.TIMBAL_RECONCILE_FOR_MS),
    });
    exitWhenEngineGone(engineAddress);
    // At the end of a deployment the engine stops its plugins with SIGINT, after its last checkpoint: every job this
    // process dispatched and returned is in state by then. (A killed CLI sends nothing: those entries stay.)
    process.once("SIGINT", () => {
        session.journal.deploymentEnded();
        process.exit(0);
    });
    return {
        session,
        connectorJob: createConnectorJobProvider({ session }),
        completion: createCompletionProvider(session),
    };
}
