import { PartialFailure } from "../lifecycle/partial-failure";
import type { ResourceLifecycle } from "../lifecycle/resource-lifecycle";

// Pulumi's dynamic provider host calls the lifecycles without the resource's URN, which the engine needs to show a
// line on the resource's row. So the program passes each resource's URN as an input, `__urn` (resource/
// registration.ts); here, at the dynamic shell's edge, each call runs on that row and the lifecycles never see it.
// check hands it back with the checked inputs (the host keeps only what check returns, besides `__provider`), and
// create, update and read keep it in the outputs: read (refresh) and delete (destroy) get only the outputs, and so
// their lines go on the resource's row too (about 80 bytes of state per resource). A resource created before the
// outputs kept it gains it at its next create or update; until then its refresh and destroy lines go on the stack's row.

/** The input that carries a resource's URN from the program to the dynamic shell. */
export const URN_INPUT = "__urn";

type Lifecycle = ResourceLifecycle;
type Props = Record<string, any> | undefined;
type OnRow = <T>(urn: string | undefined, call: () => Promise<T>) => Promise<T>;

/** The resource's URN its inputs carry, if any. */
export const urnOf = (props: Props): string | undefined => (typeof props?.[URN_INPUT] === "string" ? props[URN_INPUT] : undefined);

/** The inputs as the lifecycles see them: without `__urn`. */
export function withoutUrn<T extends Props>(props: T): T {
    if (!props || !(URN_INPUT in props)) return props;
    const { [URN_INPUT]: _urn, ...rest } = props;
    return rest as T;
}

/** Outputs with the resource's URN kept, when it is known. */
function withUrn<T extends Props>(props: T, urn: string | undefined): T {
    return urn && props ? ({ ...props, [URN_INPUT]: urn } as T) : props;
}

/** Runs a call that returns outputs (create, update): they keep the URN, and so do those of a partial failure. */
async function keepingUrn<R>(urn: string | undefined, call: () => Promise<R>, outsOf: (result: R) => R): Promise<R> {
    try {
        return outsOf(await call());
    } catch (err) {
        if (err instanceof PartialFailure) throw Object.assign(err, { properties: withUrn(err.properties, urn) });
        throw err;
    }
}

/** `lifecycle`, each call on the row of the resource it is about (when the inputs name it), with `__urn` taken out. */
export function onResourceRows(lifecycle: Lifecycle, onRow: OnRow): Lifecycle {
    return {
        configure: (req) => lifecycle.configure(req),
        check: (olds, news) =>
            onRow(urnOf(news), async () => {
                const result = await lifecycle.check(withoutUrn(olds), withoutUrn(news));
                const urn = urnOf(news);
                return urn && result.inputs ? { ...result, inputs: { ...result.inputs, [URN_INPUT]: urn } } : result;
            }),
        diff: (id, olds, news) => onRow(urnOf(news), () => lifecycle.diff(id, withoutUrn(olds), withoutUrn(news))),
        create: (inputs) => {
            const urn = urnOf(inputs);
            return onRow(urn, () => keepingUrn(urn, () => lifecycle.create(withoutUrn(inputs)), (result) => ({ ...result, outs: withUrn(result.outs, urn) })));
        },
        read: (id, props) => {
            const urn = urnOf(props);
            return onRow(urn, async () => {
                const result = await lifecycle.read(id, withoutUrn(props));
                return { ...result, props: withUrn(result.props, urn) };
            });
        },
        update: (id, olds, news) => {
            const urn = urnOf(news);
            return onRow(urn, () => keepingUrn(urn, () => lifecycle.update(id, withoutUrn(olds), withoutUrn(news)), (result) => ({ ...result, outs: withUrn(result.outs, urn) })));
        },
        delete: (id, props) => onRow(urnOf(props), () => lifecycle.delete(id, withoutUrn(props))),
    };
}
