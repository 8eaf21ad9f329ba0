// Where alerts live on disk: the rules file (config, edited by hand or through the API), and in the
// lake the event history (append-only JSON lines, fsynced per event), the per-rule state that keeps a
// restart from firing again, and webhook delivery outcomes.
import {mkdir, open, readFile, rename} from "node:fs/promises";
import {dirname, join} from "node:path";
import {alertsDir} from "../../lake/layout.js";
import type {AlertEvent, AlertRule} from "../../src/protocol/alerts.js";

export interface RuleState {
  armed: boolean;
  lastFiredAt: number | null;
  lastBar: number | null;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), {recursive: true});
  const temp = join(dirname(path), `.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** Rules from the rules file (`{"rules": [...]}`); none when the file does not exist yet. */
export async function readRulesFile(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`alert rules file ${path} is not valid JSON: ${(error as Error).message}`, {cause: error});
  }
  const rules = (json as {rules?: unknown}).rules;
  if (!Array.isArray(rules)) throw new Error(`alert rules file ${path} must hold {"rules": [...]}`);
  const list: unknown[] = rules;
  return list;
}

export function writeRulesFile(path: string, rules: readonly AlertRule[]): Promise<void> {
  return writeAtomically(path, JSON.stringify({rules}, null, 2) + "\n");
}

export async function readState(lake: string): Promise<Record<string, RuleState>> {
  try {
    return JSON.parse(await readFile(join(alertsDir(lake), "state.json"), "utf8")) as Record<string, RuleState>;
  } catch {
    return {};
  }
}

export function writeState(lake: string, state: Record<string, RuleState>): Promise<void> {
  return writeAtomically(join(alertsDir(lake), "state.json"), JSON.stringify(state));
}

/** Appends events with one write and one fsync: once this resolves, they survive a crash. */
export async function appendEvents(lake: string, events: readonly AlertEvent[]): Promise<void> {
  await appendLines(join(alertsDir(lake), "events.jsonl"), events);
}

export function appendLine(path: string, value: unknown): Promise<void> {
  return appendLines(path, [value]);
}

async function appendLines(path: string, values: readonly unknown[]): Promise<void> {
  await mkdir(dirname(path), {recursive: true});
  const handle = await open(path, "a");
  try {
    await handle.write(values.map((value) => JSON.stringify(value) + "\n").join(""));
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** The event history, oldest first; a torn last line (crash mid-append) is skipped. */
export async function readEvents(lake: string): Promise<AlertEvent[]> {
  let text: string;
  try {
    text = await readFile(join(alertsDir(lake), "events.jsonl"), "utf8");
  } catch {
    return [];
  }
  const events: AlertEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as AlertEvent);
    } catch {
      // torn write: the event was never acknowledged
    }
  }
  return events;
}
