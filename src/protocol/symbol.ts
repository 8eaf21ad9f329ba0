// What a symbol is, wherever one comes in: CLI options, PAIRBOOK_* variables, archive file names,
// captured trades and the live feed's subscribe messages. Binance spot names, upper case.

/** The pattern's body, for patterns that embed a symbol (archive names). */
export const symbolSource = "[A-Z0-9]{2,30}";

/** A whole symbol: 2–30 upper-case letters or digits, e.g. BTCUSDT. */
export const symbolPattern = new RegExp(`^${symbolSource}$`);

/** Whether `value` is a symbol (see symbolPattern). */
export function isSymbol(value: unknown): value is string {
  return typeof value === "string" && symbolPattern.test(value);
}
