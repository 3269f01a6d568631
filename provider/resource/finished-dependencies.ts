import * as pulumi from "@pulumi/pulumi";

// `dependsOn: [job]` on a ConnectorJob that waits means "after the extraction finished", as users read `dependsOn`
// on any resource that waits. The SDK expands `dependsOn` into the children of component resources only
// (runtime/dependsOn.ts), and a ConnectorJob is a custom resource: its completion, the child that waits, is not
// reached, so without help a dependent starts right after the dispatch. A stack transformation, run in this process
// for every later resource, adds to each `dependsOn` the completions of the waiting jobs it names, directly or inside
// a component it names. A job that does not wait is still one resource, and its dependents wait for the dispatch.

/** The completion of each ConnectorJob that waits. */
const completionOfJob = new WeakMap<pulumi.Resource, pulumi.Resource>();
/** The completions of the waiting jobs inside each component (through components only, as the SDK walks them). */
const completionsInComponent = new WeakMap<pulumi.Resource, pulumi.Resource[]>();
/** The parent each resource was declared with, as the transformation saw it. */
const declaredParent = new WeakMap<pulumi.Resource, pulumi.Resource | undefined>();
/** The stacks the transformation is registered on (a process may run more than one, with the Automation API). */
const installedOn = new WeakSet<pulumi.Resource>();

/**
 * Registers the transformation on the current stack, once. Called when the package is loaded in a program (so that
 * it also applies to the children of components declared before the first ConnectorJob) and by every ConnectorJob
 * (for a program that loaded the package before its stack existed: an Automation API inline program).
 */
export function orderDependentsAfterFinishedJobs(): void {
    const stack = pulumi.runtime.getStackResource();
    if (!stack || installedOn.has(stack)) return;
    installedOn.add(stack);
    pulumi.runtime.registerStackTransformation(waitForFinishedJobs);
}

/** Records that `job`, declared under `parent`, finishes when `completion` does. */
export function finishesWith(job: pulumi.Resource, completion: pulumi.Resource, parent: pulumi.Resource | undefined): void {
    completionOfJob.set(job, completion);
    for (let ancestor = parent; ancestor && pulumi.ComponentResource.isInstance(ancestor); ancestor = declaredParent.get(ancestor)) {
        const completions = completionsInComponent.get(ancestor) ?? [];
        completions.push(completion);
        completionsInComponent.set(ancestor, completions);
    }
}

function waitForFinishedJobs(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
    declaredParent.set(args.resource, args.opts.parent);
    const dependsOn = args.opts.dependsOn;
    if (dependsOn === undefined) return undefined;
    // The SDK gathers `dependsOn` through nested arrays, Promises and Outputs alike, as it does for the user's own.
    const withCompletions = [dependsOn, completionsNamedBy(dependsOn)] as pulumi.Input<pulumi.Resource>[];
    return { props: args.props, opts: { ...args.opts, dependsOn: withCompletions } };
}

/** The completions `dependsOn` implies, in the same shape: an Output stays an Output (unknown in a preview: none). */
function completionsNamedBy(dependsOn: unknown): unknown {
    if (Array.isArray(dependsOn)) return dependsOn.map(completionsNamedBy);
    if (dependsOn instanceof Promise) return dependsOn.then(completionsNamedBy);
    if (pulumi.Output.isInstance(dependsOn)) return dependsOn.apply(completionsNamedBy);
    if (!pulumi.Resource.isInstance(dependsOn)) return [];
    const own = completionOfJob.get(dependsOn);
    if (own) return [own];
    // A component's children are all declared once it is registered (its constructor has returned), as the SDK
    // reads them when it expands the component.
    if (pulumi.ComponentResource.isInstance(dependsOn)) return dependsOn.urn.apply(() => completionsInComponent.get(dependsOn) ?? []);
    return [];
}
