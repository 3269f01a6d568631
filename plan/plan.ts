import { INPUT_FIELDS } from "../provider/fields/connector-job-fields";
import { isCompletion } from "../provider/fields/type-tokens";
import { UNKNOWN } from "../provider/fields/unknown";
import { changedPaths, isPlainObject, valueAt } from "../provider/fields/changed-paths";
import { isMarkedSecret } from "../provider/support/secret-marker";
import { asReviewedJob, JOB_RULES, ruleConfig, ruleEnforcement, STACK_RULES, type JobRule, type ReviewedJob, type RuleConfig, type StackRule } from "../provider/review/policy-rules";
import { decideRun, type LastJob } from "../provider/jobs/run-policy";
import type { PreviewStep } from "./preview";

// From preview steps to a dispatch plan: per stack, what each ConnectorJob step will do to Timbal (dispatch a new
// job, re-dispatch, change in place, forget), why (the field paths that force it, with old and new values, or the
// run policy's decision; apart, the in-place changes that ride along), what deserves a reviewer's second look (what
// the policy pack will refuse, by the pack's own rules and config), and which run policies wait on a job still
// running. Run policies are judged as the provider's diff judges them (decideRun), from the preview's steps: never
// from the provider's words. Other resource types are counted, never interpreted.

/** How the CLI prints a secret it hides. */
const SHOWN_SECRET = "[secret]";
const MAX_VALUE_CHARS = 80;

export type Action = "dispatch" | "re-dispatch" | "in-place" | "forget";

export interface FieldChange {
    path: string;
    old: string;
    new: string;
}

export interface PlanItem {
    resource: string;
    urn: string;
    action: Action;
    /**
     * What forces the action, old → new: for a re-dispatch the changes that need a new job (the engine's replace
     * reasons), for an in-place change every change; none for a new dispatch or a forget.
     */
    reasons: FieldChange[];
    /** Changes that ride along with a re-dispatch but would not need one (in place): shown apart from the reasons. */
    alsoInPlace: FieldChange[];
    /** Why the run policy re-dispatches the job (`last job finished 26 h ago; older than 24h`), when it does. */
    policy?: string;
    /** e.g. `postgres public.orders`. */
    source: string;
    /** e.g. `KB 101 / orders`. */
    destination: string;
    mode: string;
    /**
     * What deserves a second look although the policy pack lets it through: a re-dispatched `replace` load, what an
     * advisory policy warns of, a policy the plan cannot check (it reads a secret, or a value not known until apply).
     */
    risks: string[];
    /** What the policy pack refuses about this job (a mandatory policy), with the stack's policy config: `<policy>: <problem and fix>`. */
    refusals: string[];
}

/** A stack's policy pack config file as parsed JSON (`config.prod.json`); `{}` for none: every rule's defaults. */
export type PolicyConfigFile = Record<string, unknown>;

export interface StackPlan {
    stack: string;
    production: boolean;
    items: PlanItem[];
    /** Steps of other resource types that change something, by type and name. */
    otherChanges: { type: string; name: string; op: string }[];
    /** Jobs left as they are although they have a run policy, because their last job has not ended: why. */
    held: { resource: string; reason: string }[];
    /**
     * What the policy pack refuses about jobs the change leaves as they are (after their policy config changed, say):
     * listed by `pulumi preview --json --show-sames` only, whose `same` steps carry their inputs.
     */
    unchangedRefusals: { resource: string; refusal: string }[];
    /** Whether unchanged jobs were checked too: the preview listed them (`--show-sames`), or the stack has none yet. */
    unchangedChecked: boolean;
}

/** The instant the run policy judges a job at (the provider's decision clock, so that plan and preview agree). */
export type JudgeAt = (jobId: string) => number;

export interface Counts {
    dispatches: number;
    newDispatches: number;
    reDispatches: number;
    replaceLoads: number;
    forgotten: number;
    inPlace: number;
}

const ACTION_OF_OP: Record<string, Action | undefined> = {
    create: "dispatch",
    replace: "re-dispatch",
    "create-replacement": "re-dispatch",
    update: "in-place",
    delete: "forget",
};
const ACTION_ORDER: Action[] = ["re-dispatch", "dispatch", "in-place", "forget"];
const UNCHANGED_OPS = new Set(["same", "read", "refresh", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"]);

/** A value as a reviewer reads it: compact JSON, secrets and unknowns named, long values cut. */
export function showValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    if (value === UNKNOWN) return "(known after apply)";
    if (isSecret(value)) return SHOWN_SECRET;
    const text = JSON.stringify(value, (_key, v) =>
        v === UNKNOWN ? "(known after apply)" : isSecret(v) ? SHOWN_SECRET : v,
    );
    return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function isSecret(value: unknown): boolean {
    return value === SHOWN_SECRET || isMarkedSecret(value);
}

/**
 * Whether the plan cannot read the value at a field path (`pacing.maxDop`) as the policy pack will: it, or an object
 * it is in, is a secret (the CLI hides it) or not known until apply.
 */
function isHiddenAt(inputs: Record<string, unknown>, path: string): boolean {
    let value: unknown = inputs;
    for (const key of path.split(".")) {
        if (value === UNKNOWN || isSecret(value)) return true;
        if (!isPlainObject(value)) return false;
        value = value[key];
    }
    return value === UNKNOWN || isSecret(value);
}

/** The changed leaf paths of `field`, old → new as a reviewer reads them. */
export function fieldChanges(olds: Record<string, unknown>, news: Record<string, unknown>, field: string): FieldChange[] {
    // Compared whole at the leaves: the shown values are cut at MAX_VALUE_CHARS, and two long values may share their first part.
    return changedPaths(olds[field], news[field], field).map((path) => ({ path, old: showValue(valueAt(olds, path)), new: showValue(valueAt(news, path)) }));
}

/** The run policy's replace reasons: inputs that name a decision, not a changed value. */
const POLICY_REASONS = ["rerunAfter", "retryFailed"];

/** The step's changes: those that force it (its replace reasons; every change of an in-place step), and the rest. */
function changesOf(step: PreviewStep, action: Action): Pick<PlanItem, "reasons" | "alsoInPlace"> {
    if (action !== "re-dispatch" && action !== "in-place") return { reasons: [], alsoInPlace: [] };
    const olds = step.old?.inputs ?? {};
    const news = step.new?.inputs ?? {};
    const changes = INPUT_FIELDS.flatMap((field) => fieldChanges(olds, news, field));
    // A field the engine names as the reason, whose values look the same here: a secret (both sides "[secret]").
    const forcing = step.replaceReasons.filter((reason) => !POLICY_REASONS.includes(reason));
    for (const field of forcing) {
        if (changes.some((change) => change.path === field || change.path.startsWith(`${field}.`))) continue;
        changes.push({ path: field, old: showValue(olds[field]), new: `${showValue(news[field])} (changed)` });
    }
    // A replace the engine gives no reason for (`pulumi up --replace`) has every change as its reason.
    if (action === "in-place" || step.replaceReasons.length === 0) return { reasons: changes, alsoInPlace: [] };
    const forces = (change: FieldChange) => forcing.includes(change.path.split(".")[0]);
    return { reasons: changes.filter(forces), alsoInPlace: changes.filter((change) => !forces(change)) };
}

/** What the run policy decides for the step's job, from its status in the old state (as the provider's diff does). */
function policyDecision(step: PreviewStep, job: ReviewedJob, judgeAt: JudgeAt) {
    const id = step.old?.id;
    if (!id) return undefined;
    return decideRun(job, step.old!.outputs as LastJob, () => judgeAt(id));
}

function describeSource(job: ReviewedJob): string {
    const source: Record<string, unknown> = isPlainObject(job.source) ? job.source : {};
    const table = [source.schema, source.table].filter((part) => typeof part === "string").join(".");
    return `${String(source.kind ?? "?")} ${table || "?"}`;
}

function risksFor(action: Action, job: ReviewedJob): string[] {
    return action === "re-dispatch" && job.mode === "replace"
        ? [`re-dispatches a full \`replace\` load: KB ${String(job.kbId)} table "${String(job.destTable)}" is rewritten from scratch`]
        : [];
}

/** Whether the stack's policy config marks it as production (a rule with `production: true`). */
export function isProduction(policyConfig: PolicyConfigFile): boolean {
    return JOB_RULES.some((rule) => ruleEnforcement(rule, policyConfig) !== "disabled" && ruleConfig(rule, policyConfig[rule.name]).production === true);
}

/** Whether a rule can find anything with this config: a production rule finds nothing outside production. */
function mayFind(rule: JobRule | StackRule, config: RuleConfig): boolean {
    return !("production" in rule.config) || config.production === true;
}

/** A job the change leaves as it is, as a `same` step shows it (`--show-sames`). */
interface UnchangedJob {
    resource: string;
    job: ReviewedJob;
}

/**
 * What the policy pack will say of the stack's jobs, rule by rule with the stack's policy config: a mandatory rule's
 * problems are refusals, an advisory one's are risks (of the jobs the change dispatches or updates; a forgotten job
 * leaves the stack). Unchanged jobs, when the preview lists them, are checked too: the pack checks every job.
 */
function addPolicyFindings(items: PlanItem[], jobs: Map<string, ReviewedJob>, unchanged: UnchangedJob[], policyConfig: PolicyConfigFile): StackPlan["unchangedRefusals"] {
    const unchangedRefusals: StackPlan["unchangedRefusals"] = [];
    const checked = items.filter((item) => item.action !== "forget");
    const hiddenReads = (rule: JobRule | StackRule, job: ReviewedJob) => rule.reads.filter((path) => isHiddenAt(job, path));
    for (const rule of [...JOB_RULES, ...STACK_RULES]) {
        const enforcement = ruleEnforcement(rule, policyConfig);
        const config = ruleConfig(rule, policyConfig[rule.name]);
        if (enforcement === "disabled" || !mayFind(rule, config)) continue;
        const report = (resource: string, message: string) => {
            const item = checked.find((item) => item.resource === resource);
            if (!item) {
                if (enforcement === "mandatory") unchangedRefusals.push({ resource, refusal: `${rule.name}: ${message}` });
            } else if (enforcement === "mandatory") item.refusals.push(`${rule.name}: ${message}`);
            else item.risks.push(`${rule.name} (advisory, the pack only warns): ${message}`);
        };
        const readable = checked.filter((item) => {
            const hidden = hiddenReads(rule, jobs.get(item.urn) ?? {});
            if (hidden.length === 0) return true;
            item.risks.push(`${rule.name} cannot be checked here: ${hidden.join(", ")} is secret or not known until apply (the policy pack checks it)`);
            return false;
        });
        const stackJobs = [
            ...readable.map((item) => ({ resource: item.resource, job: jobs.get(item.urn) ?? {} })),
            ...unchanged.filter(({ job }) => hiddenReads(rule, job).length === 0),
        ];
        if (isStackRule(rule)) {
            for (const problem of rule.problems(stackJobs, config)) for (const resource of problem.resources) report(resource, problem.message);
        } else {
            for (const { resource, job } of stackJobs) for (const problem of rule.problems(job, config)) report(resource, problem);
        }
    }
    return unchangedRefusals.sort((a, b) => a.resource.localeCompare(b.resource));
}

function isStackRule(rule: JobRule | StackRule): rule is StackRule {
    return STACK_RULES.includes(rule as StackRule);
}

/** What a plan takes besides the steps and the policy config. */
export interface PlanContext {
    /** The instant the run policy judges a job at (the provider's decision clock). */
    judgeAt?: JudgeAt;
    /** How many resources the preview counted unchanged (its changeSummary), to tell whether it listed them all. */
    unchangedCount?: number;
}

/** The plan of one stack's preview steps, with the stack's policy pack config (which marks it production or not). */
export function planStack(stack: string, steps: PreviewStep[], policyConfig: PolicyConfigFile = {}, context: PlanContext = {}): StackPlan {
    const { judgeAt = () => Date.now() } = context;
    const items = new Map<string, PlanItem>();
    const jobs = new Map<string, ReviewedJob>();
    const otherChanges: StackPlan["otherChanges"] = [];
    const held: StackPlan["held"] = [];
    const unchanged: UnchangedJob[] = [];
    for (const step of steps) {
        if (step.op === "same") {
            const job = asReviewedJob(step.type, step.new?.inputs ?? step.old?.inputs);
            if (job) unchanged.push({ resource: step.name, job });
            // A job left alone by its run policy while its last job runs (`--show-sames` lists it; a plugin
            // ConnectorJob's component, which has no id, is judged through its custom resource).
            const decision = job && policyDecision(step, job, judgeAt);
            if (decision && !decision.rerun && decision.waits) held.push({ resource: step.name, reason: decision.reason! });
        }
        if (UNCHANGED_OPS.has(step.op) || isCompletion(step.type) || step.type === "pulumi:pulumi:Stack") continue;
        const action = ACTION_OF_OP[step.op];
        const job = asReviewedJob(step.type, action === "forget" ? step.old?.inputs : (step.new?.inputs ?? step.old?.inputs));
        if (!job || action === undefined) {
            if (!step.type.startsWith("pulumi:providers:")) otherChanges.push({ type: step.type, name: step.name, op: step.op });
            continue;
        }
        if (items.has(step.urn)) continue; // a replacement can show as more than one step
        jobs.set(step.urn, job);
        const policy = step.replaceReasons.some((reason) => POLICY_REASONS.includes(reason)) ? policyDecision(step, job, judgeAt) : undefined;
        items.set(step.urn, {
            resource: step.name,
            urn: step.urn,
            action,
            ...changesOf(step, action),
            ...(policy?.rerun ? { policy: policy.reason } : {}),
            source: describeSource(job),
            destination: `KB ${String(job.kbId)} / ${String(job.destTable)}`,
            mode: String(job.mode ?? "create"),
            risks: risksFor(action, job),
            refusals: [],
        });
    }
    const unchangedRefusals = addPolicyFindings([...items.values()], jobs, unchanged, policyConfig);
    // The engine's step order varies with its parallelism: the plan reads the same for the same change.
    const ordered = [...items.values()].sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || a.resource.localeCompare(b.resource));
    otherChanges.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    held.sort((a, b) => a.resource.localeCompare(b.resource));
    // `--show-sames` lists every unchanged resource the summary counts; without the count, a stack deployed before (its
    // Stack step has an old state) whose preview lists no unchanged resource is taken not to have listed them.
    const listedSames = steps.filter((step) => step.op === "same");
    const unchangedChecked =
        context.unchangedCount !== undefined
            ? listedSames.length >= context.unchangedCount
            : listedSames.some((step) => step.type !== "pulumi:pulumi:Stack") || !steps.some((step) => step.old !== undefined);
    return { stack, production: isProduction(policyConfig), items: ordered, otherChanges, held, unchangedRefusals, unchangedChecked };
}

export function countsOf(items: PlanItem[]): Counts {
    const of = (action: Action) => items.filter((item) => item.action === action).length;
    const dispatching = items.filter((item) => item.action === "dispatch" || item.action === "re-dispatch");
    return {
        dispatches: dispatching.length,
        newDispatches: of("dispatch"),
        reDispatches: of("re-dispatch"),
        replaceLoads: dispatching.filter((item) => item.mode === "replace").length,
        forgotten: of("forget"),
        inPlace: of("in-place"),
    };
}
