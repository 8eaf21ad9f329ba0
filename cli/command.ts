import {parseArgs, type ParseArgsConfig} from "node:util";
import {isMarketSymbol, isSymbol} from "../src/protocol/symbol.js";

/** One `pairbook <name>` subcommand. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the user can act on (unreachable endpoint, unknown symbol…): one line, exit code 1. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `argv` strictly; unknown flags and missing values become a UsageError. */
export function parseFlags<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({args: argv, options: {...options, help: {type: "boolean", short: "h"}}, allowPositionals: false, strict: true});
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

export function intFlag(value: string | undefined, name: string, fallback: number, {min = -Infinity, max = Infinity} = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`invalid --${name}: ${JSON.stringify(value)} (expected an integer${range(min, max)})`);
  return n;
}

export function numberFlag(value: string | undefined, name: string, fallback: number, {min = -Infinity, max = Infinity} = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`invalid --${name}: ${JSON.stringify(value)} (expected a number${range(min, max)})`);
  return n;
}

function range(min: number, max: number): string {
  if (min > -Infinity && max < Infinity) return ` from ${min} to ${max}`;
  if (min > -Infinity) return ` ≥ ${min}`;
  return max < Infinity ? ` ≤ ${max}` : "";
}

/**
 * "btcusdt, ETHUSDT" → ["BTCUSDT", "ETHUSDT"], rejecting anything that is not a Binance symbol. With
 * `markets`, a USD-M perpetual may be named too: "usdm:btcusdt" → "usdm:BTCUSDT" (src/protocol/symbol.ts).
 */
export function symbolsFlag(value: string | undefined, fallback: readonly string[], {markets = false}: {markets?: boolean} = {}): string[] {
  if (value === undefined) return [...fallback];
  const symbols = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => (/^usdm:/i.test(s) ? `usdm:${s.slice(5).toUpperCase()}` : s.toUpperCase()));
  if (symbols.length === 0) throw new UsageError("invalid --symbols: expected a comma-separated list such as BTCUSDT,ETHUSDT");
  for (const s of symbols)
    if (!(markets ? isMarketSymbol(s) : isSymbol(s)))
      throw new UsageError(
        `invalid symbol in --symbols: ${JSON.stringify(s)}${markets ? " (expected e.g. BTCUSDT, or usdm:BTCUSDT for the USD-M perpetual)" : ""}`,
      );
  return [...new Set(symbols)];
}
