// Running many operations a few at a time, as the Pulumi engine does with resource operations.

/** The engine's default `--parallel` (pulumi up --help, 3.248.0). */
export const ENGINE_PARALLELISM = 8;

/** Runs `work` over every item, at most `lanes` at once; resolves when all are done. */
export async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<unknown>): Promise<void> {
    const queue = [...items];
    await Promise.all(
        Array.from({ length: lanes }, async () => {
            for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
        }),
    );
}
