import { PolicyPack, type PolicyConfigSchema, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { asReviewedJob, JOB_RULES, STACK_RULES, type JobRule, type RuleConfig, type StackRule } from "@timbal/pulumi-connector-jobs";

// Guardrails for ConnectorJob resources, run by `pulumi preview --policy-pack policy` (and `up`), so that a dangerous
// extraction is refused before it is dispatched. Each policy is configurable (see config.prod.json / config.dev.json).
//
// The rules themselves (what "gentle" means, what a ConnectorJob is, in either shell) live in the provider package
// (provider/review/policy-rules.ts), which `timbal-plan` runs too: this pack only gives each one to the engine.

/** The rule's settings as the engine validates them (none for a rule without settings). */
function configSchema(rule: JobRule | StackRule): PolicyConfigSchema | undefined {
    return Object.keys(rule.config).length > 0 ? { properties: rule.config } : undefined;
}

/** What every policy of the pack declares: the rule's name and description, mandatory, its settings. */
function declared(rule: JobRule | StackRule) {
    return { name: rule.name, description: rule.description, enforcementLevel: "mandatory" as const, configSchema: configSchema(rule) };
}

function jobPolicy(rule: JobRule): ResourceValidationPolicy {
    return {
        ...declared(rule),
        validateResource: (args, reportViolation) => {
            const job = asReviewedJob(args.type, args.props);
            if (!job) return;
            for (const problem of rule.problems(job, args.getConfig<RuleConfig>())) reportViolation(`${args.name}: ${problem}`);
        },
    };
}

function stackPolicy(rule: StackRule): StackValidationPolicy {
    return {
        ...declared(rule),
        validateStack: (args, reportViolation) => {
            const jobs = args.resources.flatMap((resource) => {
                const job = asReviewedJob(resource.type, resource.props);
                return job ? [{ resource: resource.name, job }] : [];
            });
            for (const problem of rule.problems(jobs, args.getConfig<RuleConfig>())) reportViolation(problem.message);
        },
    };
}

new PolicyPack("timbal-connector-jobs", {
    policies: [...JOB_RULES.map(jobPolicy), ...STACK_RULES.map(stackPolicy)],
});
