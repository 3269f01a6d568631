// Numbers a person reads (progress rows, log lines, the demo's table, the plan's notices), written one way: whole
// counts with thousands separators (`1,667`), rates rounded to whole rows per second, seconds to one decimal at most. The
// API's own values (`rows_per_sec: 1666.6666666666665`) stay exact in state; only what is shown is rounded.

const WHOLE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** `12000` → "12,000"; `1666.67` → "1,667". */
export function formatCount(value: number): string {
    return WHOLE.format(value);
}

/** `455` → "455 rows"; `1` → "1 row". */
export function formatRows(rows: number): string {
    return `${formatCount(rows)} ${rows === 1 ? "row" : "rows"}`;
}

/** `1666.6666666666665` → "1,667 rows/s". */
export function formatRate(rowsPerSecond: number): string {
    return `${formatCount(rowsPerSecond)} rows/s`;
}

/** `1250` (ms) → "1.3 s"; `5000` → "5 s". */
export function formatSeconds(milliseconds: number): string {
    return `${ONE_DECIMAL.format(milliseconds / 1000)} s`;
}
