// What `pulumi preview --json` says, read tolerantly: the fields the plan needs, from any step of any resource type.
// The engine writes one object: { steps: [{ op, urn, oldState?, newState?, replaceReasons?, diffReasons? }], ... }.

export interface PreviewState {
    type: string;
    id?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

export interface PreviewStep {
    op: string;
    urn: string;
    /** The stack, from the URN (urn:pulumi:<stack>::<project>::<type>::<name>). */
    stack: string;
    /** The resource's name, from the URN. */
    name: string;
    type: string;
    old?: PreviewState;
    new?: PreviewState;
    replaceReasons: string[];
}

/** Thrown for input that is not `pulumi preview --json` output; its message is the one line shown. */
export class PreviewFormatError extends Error {}

function asRecord(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stateOf(value: unknown): PreviewState | undefined {
    const state = asRecord(value);
    if (typeof state.type !== "string") return undefined;
    return {
        type: state.type,
        id: typeof state.id === "string" ? state.id : undefined,
        inputs: asRecord(state.inputs),
        outputs: asRecord(state.outputs),
    };
}

function parse(text: string, source: string): Record<string, unknown> {
    try {
        return asRecord(JSON.parse(text));
    } catch (err) {
        throw new PreviewFormatError(`${source} is not JSON (${(err as Error).message}); pass the output of \`pulumi preview --json\``);
    }
}

const stackOf = (urn: string) => (urn.split("::")[0] ?? "").replace(/^urn:pulumi:/, "");

/** The steps of one preview's JSON text; `source` names it in errors. */
export function readPreview(text: string, source: string): PreviewStep[] {
    const steps = parse(text, source).steps;
    if (!Array.isArray(steps)) {
        throw new PreviewFormatError(`${source} has no "steps": pass the output of \`pulumi preview --json\``);
    }
    return steps.flatMap((raw): PreviewStep[] => {
        const step = asRecord(raw);
        if (typeof step.op !== "string" || typeof step.urn !== "string") return [];
        const parts = step.urn.split("::");
        const old = stateOf(step.oldState);
        const next = stateOf(step.newState);
        return [
            {
                op: step.op,
                urn: step.urn,
                stack: stackOf(step.urn),
                name: parts[parts.length - 1] ?? step.urn,
                type: next?.type ?? old?.type ?? (parts[parts.length - 2] ?? "").split("$").pop() ?? "",
                old,
                new: next,
                replaceReasons: Array.isArray(step.replaceReasons) ? step.replaceReasons.map(String) : [],
            },
        ];
    });
}

/** How many resources the preview counted unchanged (`changeSummary.same`, the Stack included); undefined when it does not say. */
export function readUnchangedCount(text: string, source: string): number | undefined {
    const same = asRecord(parse(text, source).changeSummary).same;
    return typeof same === "number" ? same : undefined;
}
