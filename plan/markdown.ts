import { formatCount } from "../provider/support/readable-numbers";
import { countsOf, type Counts, type FieldChange, type PlanItem, type StackPlan } from "./plan";

// The plan as a pull-request comment: the headline first (what will be dispatched, how many full `replace` loads,
// what is forgotten, per stack), then what deserves a second look, then one table per stack. GitHub refuses comments
// over 65,536 characters: the tables are cut to fit, with a line saying how much was left out and where to see it.

export const GITHUB_COMMENT_LIMIT = 65_536;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summary(counts: Counts): string {
    const parts = [`${plural(counts.dispatches, "extraction")} to dispatch`];
    if (counts.dispatches > 0) parts[0] += ` (${counts.newDispatches} new, ${counts.reDispatches} re-dispatched)`;
    parts.push(`${plural(counts.replaceLoads, "full `replace` load")}`, `${counts.forgotten} forgotten`);
    if (counts.inPlace > 0) parts.push(`${counts.inPlace} changed in place`);
    return parts.join(", ");
}

export function headline(stacks: StackPlan[]): string {
    return `Timbal dispatch plan: ${summary(countsOf(stacks.flatMap((stack) => stack.items)))}`;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function reasonCell(item: PlanItem): string {
    if (item.action === "dispatch") return "new";
    if (item.action === "forget") return "removed from the stack (the job is not cancelled)";
    const change = (r: FieldChange) => `\`${r.path}\`: ${cell(r.old)} → ${cell(r.new)}`;
    const reasons = item.reasons.map(change);
    if (item.policy) reasons.push(`run policy: ${cell(item.policy)}`);
    if (reasons.length === 0) reasons.push("(no input changed: see `pulumi preview --diff`)");
    // In-place changes that ride along are no reason to dispatch: apart, so that a reviewer does not read them as one.
    if (item.alsoInPlace.length > 0) reasons.push(`<sub>also in place: ${item.alsoInPlace.map(change).join("; ")}</sub>`);
    return reasons.join("<br>");
}

function row(item: PlanItem): string {
    const mark = item.refusals.length > 0 ? " ⛔" : item.risks.length > 0 ? " ⚠️" : "";
    const action = mark ? `**${item.action}**${mark}` : item.action;
    return `| \`${cell(item.resource)}\` | ${action} | ${reasonCell(item)} | ${cell(item.source)} → ${cell(item.destination)} | ${cell(item.mode)} |`;
}

export function renderMarkdown(stacks: StackPlan[], maxChars = GITHUB_COMMENT_LIMIT): string {
    const head = [`### ${headline(stacks)}`, ""];
    for (const stack of stacks) {
        head.push(`- **${stack.stack}**${stack.production ? " (production)" : ""}: ${summary(countsOf(stack.items))}`);
    }
    const refused = stacks.flatMap((stack) => [
        ...stack.items.flatMap((item) => item.refusals.map((refusal) => `- ⛔ ${stack.stack} \`${item.resource}\`: ${refusal}`)),
        ...stack.unchangedRefusals.map(({ resource, refusal }) => `- ⛔ ${stack.stack} \`${resource}\` (unchanged): ${refusal}`),
    ]);
    const risky = stacks.flatMap((stack) => stack.items.flatMap((item) => item.risks.map((risk) => `- ⚠️ ${stack.stack} \`${item.resource}\`: ${risk}`)));
    const body: string[] = [];
    if (refused.length > 0) body.push("", "**The policy pack refuses** (its mandatory policies, with the stack's policy config)", ...refused);
    if (risky.length > 0) body.push("", "**Look twice**", ...risky);
    for (const stack of stacks) {
        body.push("", `#### ${stack.stack}`);
        if (stack.items.length === 0) body.push("No extraction changes.");
        else body.push("", "| resource | action | reason | source → KB / table | mode |", "|---|---|---|---|---|", ...stack.items.map(row));
        if (!stack.unchangedChecked) {
            body.push("", "_The jobs this change leaves as they are were not checked against the policy pack, nor their run policies: run `pulumi preview --json --show-sames` to include them._");
        }
        if (stack.held.length > 0) {
            body.push("", "Run policies that wait (nothing is dispatched for these):", ...stack.held.map((h) => `- \`${cell(h.resource)}\`: ${cell(h.reason)}`));
        }
        if (stack.otherChanges.length > 0) {
            const others = stack.otherChanges.map((c) => `\`${c.type}\` \`${c.name}\` (${c.op})`).join(", ");
            body.push("", `Other resources that change (not extractions): ${others}`);
        }
    }
    const footer = ["", "_Forgotten jobs leave the stack only: Timbal has no cancel endpoint; the job and the data it landed stay._"];

    const length = (lines: string[]) => lines.reduce((sum, line) => sum + line.length + 1, 0);
    const notice = (left: number) =>
        `_… ${plural(left, "line")} left out to stay under ${formatCount(maxChars)} characters: run \`pulumi preview --diff\`, or \`timbal-plan --format json\`, for the full plan._`;
    let budget = maxChars - length(head) - length(footer) - notice(body.length).length - 2;
    const kept: string[] = [];
    for (const line of body) {
        if (line.length + 1 > budget) break;
        kept.push(line);
        budget -= line.length + 1;
    }
    const leftOut = body.length - kept.length;
    const text = [...head, ...kept, ...(leftOut > 0 ? ["", notice(leftOut)] : []), ...footer].join("\n") + "\n";
    return text.length <= maxChars ? text : `${text.slice(0, maxChars - 2)}…\n`;
}
