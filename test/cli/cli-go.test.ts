import { pascalCase } from "../../provider/fields/field-spelling";
import * as parity from "./plugin-parity";

// A Go program through the real CLI and Pulumi's Go language host, requiring the SDK module (sdk/go, `replace`d as a Go
// user points at a module on disk), and the plugin the SDK names fetched by `pulumi install` from the release page,
// as a Go user has them: the parity suite (plugin-parity.ts), in Go, each behaviour building on the stack the ones
// before it left.

const GO: parity.LanguageSpelling = {
    language: "go",
    spell: (path) => path.split(".").map(pascalCase).join("."),
    // Go's compiler names it, before anything runs.
    misspelt: /unknown field ConectionRef in struct literal of type timbal\.ConnectorJobSourceArgs/,
    printedField: (name, value) => new RegExp(`${pascalCase(name)}: +pulumi\\.String\\("${value}"\\)`),
};

describe("a Go program on the timbal provider plugin (real CLI, Go language host, SDK module from sdk/go)", function () {
    this.timeout(600_000);
    // Here: what goes through the language (its spelling, its SDK's options and secrets, its host's interruptions).
    // Proved once for every language elsewhere, as neither the language host nor the SDK takes part: a refresh and a
    // destroy (the engine does not run the program): test/host/plugin-service.test.ts (read shares the connector's
    // list, delete sends nothing) and cli-yaml.test.ts (through the engine).
    const stack = parity.parityStack(GO);

    it("preview fails without an API key, saying how to set it, and sends nothing", () => parity.previewFailsWithoutAKey(stack));
    it("check names each bad value's field as the program spells it, with the fix, and sends nothing", () => parity.checkNamesEachBadField(stack));
    it("a misspelt field is named with the right spelling, by Go's compiler", () => parity.misspeltFieldIsNamed(stack));
    it("with the key in the stack's config (a secret), preview shows the jobs and sends nothing", () => parity.previewShowsTheJobs(stack));
    it("up dispatches each job once, the dependent after its dependency finished, the ledger with its own provider", () => parity.upDispatchesEachJobOnce(stack));
    it("a second up changes nothing and sends nothing", () => parity.secondUpChangesNothing(stack));
    it("preview names the fields that re-dispatch (replaceReasons), sending nothing; up re-dispatches those jobs once", () => parity.previewNamesWhatReDispatches(stack));
    it("adoptJobId records a job dispatched elsewhere instead of dispatching", () => parity.adoptJobIdRecordsAJob(stack));
    it("a failed job fails the up with its own message and stays; the next up waits on it again and dispatches nothing", () => parity.failedJobFailsTheUpAndStays(stack));
    it("the first Ctrl-C ends a wait within 5 s, the job stays recorded, and the next up resumes the wait without dispatching", () => parity.firstCtrlCEndsAWait(stack));
    it("a runner killed (SIGKILL) while a job waits: a new runner's plain up dispatches nothing again, waits for the job, then dispatches its dependent", () => parity.killedRunnerRecovers(stack));
    it("pulumi import records a job by its id, the declaration it prints pinned with adoptJobId; once the program adds kbId and source, up dispatches nothing", () => parity.importRecordsAJob(stack));
    it("a secret input stays secret: in state, in what the program reads, never in plain text", () => parity.secretInputStaysSecret(stack));
});
