import { INPUT_FIELDS } from "../provider/fields/connector-job-fields";
import { sameValue } from "../provider/fields/same-value";
import { isCompletion } from "../provider/fields/type-tokens";
import { UNKNOWN } from "../provider/fields/unknown";
import { asReviewedJob, JOB_RULES, ruleConfig, ruleDisabled, STACK_RULES, type ReviewedJob } from "../provider/review/policy-rules";
import { hasRunPolicy, readPolicyWait, runDecision, type LastJob, type RunPolicy } from "../provider/jobs/run-policy";
import type { PreviewNote, PreviewStep } from "./preview";

// From preview steps to a dispatch plan: per stack, what each ConnectorJob step will do to Timbal (dispatch a new
// job, re-dispatch, change in place, forget), why (field paths with old and new values, or the run policy's words),
// what deserves a reviewer's second look (what the policy pack will refuse, by the pack's own rules and config), and
// which run policies wait on a job still running. Other resource types are counted, never interpreted.

/** How the engine marks a secret value in JSON, and how the CLI prints one it hides. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
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
    /** Field paths that changed, old → new (none for a new dispatch or a forget). */
    reasons: FieldChange[];
    /** Why the run policy re-dispatches the job (`last job finished 26 h ago; older than 24h`), when it does. */
    policy?: string;
    /** e.g. `postgres public.orders`. */
    source: string;
    /** e.g. `KB 101 / orders`. */
    destination: string;
    mode: string;
    /** What deserves a second look although the policy pack lets it through (a re-dispatched `replace` load). */
    risks: string[];
    /** What the policy pack refuses about this job, with the stack's policy config: `<policy>: <problem and fix>`. */
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
    /** Jobs left as they are although they have a run policy, because their last job has not ended: why (by name, or by job where the shell does not tell the resource). */
    held: { resource: string; reason: string }[];
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
    return value === SHOWN_SECRET || (value !== null && typeof value === "object" && SECRET_SIGNATURE in value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(SECRET_SIGNATURE in value);
}

/** Leaf paths whose value differs between `olds` and `news` (objects compared key by key, arrays whole). */
export function changedPaths(olds: unknown, news: unknown, prefix: string): FieldChange[] {
    if (isPlainObject(olds) && isPlainObject(news)) {
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
        return keys.flatMap((key) => changedPaths(olds[key], news[key], `${prefix}.${key}`));
    }
    // Compared whole: the shown values are cut at MAX_VALUE_CHARS, and two long values may share their first part.
    return sameValue(olds, news) ? [] : [{ path: prefix, old: showValue(olds), new: showValue(news) }];
}

/** The run policy's replace reasons: inputs that name a decision, not a changed value. */
const POLICY_REASONS = ["rerunAfter", "retryFailed"];

function reasonsFor(step: PreviewStep): FieldChange[] {
    const olds = step.old?.inputs ?? {};
    const news = step.new?.inputs ?? {};
    const reasons = INPUT_FIELDS.flatMap((field) => changedPaths(olds[field], news[field], field));
    // A field the engine names as the reason, whose values look the same here: a secret (both sides "[secret]").
    for (const field of step.replaceReasons.filter((reason) => !POLICY_REASONS.includes(reason))) {
        if (reasons.some((reason) => reason.path === field || reason.path.startsWith(`${field}.`))) continue;
        reasons.push({ path: field, old: showValue(olds[field]), new: `${showValue(news[field])} (changed)` });
    }
    return reasons;
}

/** What the run policy decides for the step's job, from its status in the old state (as the provider's diff does). */
function policyDecision(step: PreviewStep, job: ReviewedJob, judgeAt: JudgeAt) {
    const policy: RunPolicy = { rerunAfter: job.rerunAfter, retryFailed: job.retryFailed === true, adoptJobId: job.adoptJobId };
    if (!hasRunPolicy(policy) || step.old?.id === undefined) return undefined;
    return runDecision(step.old.outputs as LastJob, policy, judgeAt(step.old.id));
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
    return JOB_RULES.some((rule) => !ruleDisabled(rule, policyConfig) && ruleConfig(rule, policyConfig[rule.name]).production === true);
}

/** The policy pack's refusals of the jobs the change dispatches or updates (a forgotten job leaves the stack). */
function addRefusals(items: PlanItem[], jobs: Map<string, ReviewedJob>, policyConfig: PolicyConfigFile): void {
    const checked = items.filter((item) => item.action !== "forget");
    for (const rule of JOB_RULES.filter((rule) => !ruleDisabled(rule, policyConfig))) {
        const config = ruleConfig(rule, policyConfig[rule.name]);
        for (const item of checked) item.refusals.push(...rule.problems(jobs.get(item.urn) ?? {}, config).map((problem) => `${rule.name}: ${problem}`));
    }
    // A stack rule sees the changed jobs only: the preview has no step for an unchanged one.
    for (const rule of STACK_RULES.filter((rule) => !ruleDisabled(rule, policyConfig))) {
        const stackJobs = checked.map((item) => ({ resource: item.resource, job: jobs.get(item.urn) ?? {} }));
        for (const problem of rule.problems(stackJobs, ruleConfig(rule, policyConfig[rule.name]))) {
            for (const item of checked.filter((item) => problem.resources.includes(item.resource))) item.refusals.push(`${rule.name}: ${problem.message}`);
        }
    }
}

/** The plan of one stack's preview steps, with the stack's policy pack config (which marks it production or not). */
export function planStack(stack: string, steps: PreviewStep[], policyConfig: PolicyConfigFile = {}, judgeAt: JudgeAt = () => Date.now(), notes: PreviewNote[] = []): StackPlan {
    const items = new Map<string, PlanItem>();
    const jobs = new Map<string, ReviewedJob>();
    const otherChanges: StackPlan["otherChanges"] = [];
    // A job left alone by its run policy is no step of the preview: the provider's diagnostic says so.
    const held = notes.flatMap((note) => {
        const wait = note.stack === stack ? readPolicyWait(note.message) : undefined;
        return wait ? [{ resource: note.name ?? wait.job, reason: wait.reason }] : [];
    });
    for (const step of steps) {
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
            reasons: action === "re-dispatch" || action === "in-place" ? reasonsFor(step) : [],
            ...(policy?.rerun ? { policy: policy.reason } : {}),
            source: describeSource(job),
            destination: `KB ${String(job.kbId)} / ${String(job.destTable)}`,
            mode: job.mode ?? "create",
            risks: risksFor(action, job),
            refusals: [],
        });
    }
    addRefusals([...items.values()], jobs, policyConfig);
    // The engine's step order varies with its parallelism: the plan reads the same for the same change.
    const ordered = [...items.values()].sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || a.resource.localeCompare(b.resource));
    otherChanges.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    held.sort((a, b) => a.resource.localeCompare(b.resource));
    return { stack, production: isProduction(policyConfig), items: ordered, otherChanges, held };
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
