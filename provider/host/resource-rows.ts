import type { ResourceLifecycle } from "../lifecycle/resource-lifecycle";

// Pulumi's dynamic provider host calls the lifecycles without the resource's URN, which the engine needs to show a
// line on the resource's row. So the program passes each resource's URN as an input, `__urn` (resource/
// registration.ts); here, at the dynamic shell's edge, each call runs on that row and the lifecycles never see it.
// check hands it back with the checked inputs (the host keeps only what check returns, besides `__provider`).

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
        create: (inputs) => onRow(urnOf(inputs), () => lifecycle.create(withoutUrn(inputs))),
        read: (id, props) => onRow(urnOf(props), () => lifecycle.read(id, withoutUrn(props))),
        update: (id, olds, news) => onRow(urnOf(news), () => lifecycle.update(id, withoutUrn(olds), withoutUrn(news))),
        delete: (id, props) => onRow(urnOf(props), () => lifecycle.delete(id, withoutUrn(props))),
    };
}
