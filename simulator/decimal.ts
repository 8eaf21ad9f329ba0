/**
 * Binance writes prices and quantities as decimal strings with 8 fractional digits ("43000.12000000").
 * The simulator keeps them as integer counts of 1e-8 ("units") so they stay exact: a price of
 * 43000.12 is 4300012000000 units, well inside the 2^53 range of exactly representable integers.
 */
export const unitsPerWhole = 100_000_000;

/** 4300012000000 → "43000.12000000". Throws RangeError for a negative or non-integer count. O(digits). */
export function formatUnits(units: number): string {
  if (!Number.isSafeInteger(units) || units < 0)
    throw new RangeError(`formatUnits: invalid units ${units} (expected a non-negative safe integer)`);
  const digits = String(units).padStart(9, "0");
  return `${digits.slice(0, -8)}.${digits.slice(-8)}`;
}

/** The same for a bigint (quote quantities, whose exact products can exceed 2^53 before rounding). */
export function formatBigUnits(units: bigint): string {
  const digits = units.toString().padStart(9, "0");
  return `${digits.slice(0, -8)}.${digits.slice(-8)}`;
}

/** price × qty, both in units, rounded half-up to units: exact, unlike the float product. */
export function multiplyUnits(a: number, b: number): bigint {
  return (BigInt(a) * BigInt(b) + BigInt(unitsPerWhole / 2)) / BigInt(unitsPerWhole);
}

/** 0.01 → 1000000 units: for tick and step sizes given as numbers. */
export function toUnits(value: number): number {
  return Math.round(value * unitsPerWhole);
}
