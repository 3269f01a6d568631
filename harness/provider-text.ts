import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob, type ConnectorJobArgs } from "../provider";
import { dynamicType } from "../provider/fields/type-tokens";

// The `__provider` text the engine would hand the provider host, taken from a real `new ConnectorJob(...)`: under
// mocks the engine is replaced, but the SDK still serializes the provider exactly as it does in `pulumi up`.

export interface RegisteredResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export async function registerUnderMocks(args: ConnectorJobArgs, type = dynamicType("connectorJob")): Promise<RegisteredResource> {
    let registered: RegisteredResource | undefined;
    pulumi.runtime.setMocks(
        {
            newResource: (resource) => {
                if (resource.type === type) registered = { type: resource.type, name: resource.name, inputs: resource.inputs };
                return { id: "mock-id", state: resource.inputs };
            },
            call: () => ({}),
        },
        "timbal-test",
        "test",
        false,
    );
    const job = new ConnectorJob("orders", args);
    await new Promise<void>((resolve) => (job.completion ?? job).urn.apply(() => resolve()));
    if (!registered) throw new Error("the mock engine saw no resource registration");
    return registered;
}

export async function captureProviderText(args: ConnectorJobArgs, type?: string): Promise<string> {
    const registered = await registerUnderMocks(args, type);
    const text = registered.inputs.__provider;
    if (typeof text !== "string") throw new Error("the registration carried no __provider text");
    return text;
}
