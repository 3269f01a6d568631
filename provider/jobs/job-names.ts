// How messages name a job: by where it lands, so a user can find it in Timbal's job list.

type Destination = Partial<Record<"connectorId" | "kbId" | "destTable" | "orgId", unknown>>;

/** `connector "warehouse-pg" → KB 101 table "orders" (org "acme-dev")` */
export function describeDestination(props: Destination): string {
    return `connector "${props.connectorId}" → KB ${props.kbId} table "${props.destTable}" (org "${props.orgId}")`;
}

/** `job job_123 of connector "warehouse-pg" → KB 101 table "orders" (org "acme-dev")` */
export function describeJob(id: string, props: Destination): string {
    return `job ${id} of ${describeDestination(props)}`;
}
