// An error the engine records as "created, but not healthy": the resource stays in state under this id, with these
// properties, and the next `pulumi up` resumes it with an update. The provider host reads `id`, `properties` and
// `reasons` from the error (pulumi sdk/nodejs cmd/dynamic-provider grpcResponseFromError).

export class PartialFailure extends Error {
    override name = "PartialFailure";
    readonly reasons: string[];
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
    ) {
        super(message);
        this.reasons = [message];
    }
}
