import {CliError, UsageError, type Command} from "./command.js";
import packageJson from "../package.json" with {type: "json"}; // inlined by the bundle: read once, at build

// Each command module is loaded only when called, so `pairbook --help` stays instant.
const commands: Record<string, {summary: string; load: () => Promise<Command>}> = {
  demo: {
    summary: "simulator + recorder + notebook preview, all local (no internet needed)",
    load: async () => (await import("./commands/demo.js")).demo,
  },
  start: {summary: "recorder on live Binance + notebook preview", load: async () => (await import("./commands/demo.js")).start},
  record: {
    summary: "stream Binance trades into the Parquet lake and serve the live feed",
    load: async () => (await import("./commands/record.js")).record,
  },
  simulate: {
    summary: "a local Binance-compatible server with synthetic cointegrated trades",
    load: async () => (await import("./commands/simulate.js")).simulate,
  },
  analyze: {
    summary: "hedge ratios, cointegration tests and a backtest for two price columns of a CSV",
    load: async () => (await import("./commands/analyze.js")).analyze,
  },
  import: {
    summary: "load Binance public-archive trades/aggTrades (CSV or daily zip, local or downloaded) into the lake",
    load: async () => (await import("./commands/import.js")).importCommand,
  },
  replay: {
    summary: "serve recorded trades (lake or raw capture) over Binance's protocol",
    load: async () => (await import("./commands/replay.js")).replay,
  },
  lake: {
    summary: "summarize the tick lake: trades, distinct ids, id range and holes per symbol",
    load: async () => (await import("./commands/lake.js")).lake,
  },
  status: {summary: "print a running recorder's health", load: async () => (await import("./commands/status.js")).status},
  serve: {
    summary: "a read-only HTTP API over the lake and the built notebook",
    load: async () => (await import("./commands/serve.js")).serve,
  },
};

const help = `pairbook — a reactive research notebook for crypto pairs trading

Usage: pairbook <command> [options]     (pairbook <command> --help for its options)
       pairbook --version

Commands:
${Object.entries(commands)
  .map(([name, {summary}]) => `  ${name.padEnd(10)} ${summary}`)
  .join("\n")}
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(help);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`pairbook ${packageJson.version}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    process.stderr.write(`pairbook: unknown command ${JSON.stringify(name)}\n\n${help}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.summary}\n\n${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pairbook ${name}: ${error.message}\n(see pairbook ${name} --help)\n`);
      return 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`pairbook ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
