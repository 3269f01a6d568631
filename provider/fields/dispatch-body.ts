import { dispatchPathSchema, dispatchReqSchema, type DispatchPath, type DispatchReq } from "../api/wire";
import { flatten, toBody, toPathParameters } from "./field-declaration";
import { CONNECTOR_JOB_FIELDS, type ConnectorJobInputs } from "./connector-job-fields";

// The one place where inputs map to the API's wire names: each field's declared `sent` name (connector-job-fields.ts), in the
// dispatch's path or in its body.

/** The dispatch's path parameters for checked inputs (the org and the connector), read back through the spec's schema. */
export function toDispatchPath(inputs: ConnectorJobInputs): DispatchPath {
    return dispatchPathSchema.parse(toPathParameters(CONNECTOR_JOB_FIELDS, inputs));
}

/** The dispatch body for checked inputs, read back through the spec's schema (a wrong wire name fails here). */
export function toDispatchReq(inputs: ConnectorJobInputs): DispatchReq {
    return dispatchReqSchema.parse(toBody(CONNECTOR_JOB_FIELDS, inputs));
}

/**
 * Wire field names an API error message may mention, and the input that sets each. Names that are ordinary words
 * (`table`, `source`) are left out: a message that uses them is not taken to name a field.
 */
export const INPUT_OF_WIRE_NAME: Readonly<Record<string, string>> = Object.fromEntries(
    flatten(CONNECTOR_JOB_FIELDS).flatMap(({ path, declared }) =>
        declared.sent && "body" in declared.sent && declared.sent.namedInMessages !== false ? [[declared.sent.body, path]] : [],
    ),
);
