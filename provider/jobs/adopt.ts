import type { JobView } from "../api/wire";
import type { ConnectorJobInputs } from "../fields/connector-job-fields";
import type { JobLists } from "./job-lists";

// Bringing a job dispatched elsewhere (by hand, by a script) under a resource, since `pulumi import` does not work
// for dynamic resources. Create looks the job up instead of dispatching, and refuses a job that contradicts the
// resource: adopting it would make state describe an extraction that is not the one running.

export async function findAdoptableJob(lists: JobLists, inputs: ConnectorJobInputs, adoptJobId: string): Promise<JobView> {
    const where = `connector "${inputs.connectorId}" in org "${inputs.orgId}"`;
    const job = await lists.find({ id: adoptJobId, orgId: inputs.orgId, connectorId: inputs.connectorId }, "fresh");
    if (!job) {
        throw new Error(
            `adoptJobId: job ${adoptJobId} is not in the job list of ${where}. Check the id, and that ` +
                "connectorId and orgId are the ones the job was dispatched with. Nothing was dispatched",
        );
    }
    const contradictions: string[] = [];
    if (job.dest_table !== inputs.destTable) {
        contradictions.push(`destTable is "${inputs.destTable}" but the job writes "${job.dest_table}"`);
    }
    if (job.mode !== inputs.mode) contradictions.push(`mode is "${inputs.mode}" but the job runs in "${job.mode}" mode`);
    if (contradictions.length > 0) {
        throw new Error(
            `adoptJobId: job ${job.id} of ${where} contradicts this resource: ${contradictions.join("; ")}. ` +
                "Make the inputs match the job, or remove adoptJobId to dispatch a new one. Nothing was dispatched",
        );
    }
    return job;
}
