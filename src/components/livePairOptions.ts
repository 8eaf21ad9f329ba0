// What the pair report's cells hand LivePair (./livePair.ts) at each `configure`, and how two of them
// compare: the same options again (a cell rerun) do nothing; another hedge is a hedge switch.
import {dynamicHedgeKey, type DynamicHedgeSpec} from "../lib/dynamicHedge.js";
import {ruleKeyOf, type StreamRule, type StreamView} from "../lib/stream/pairStream.js";

export interface LivePairOptions {
  view: StreamView;
  rule: StreamRule;
  /** Hedge method, for titles. */
  method: string;
  /** Bar length for annualising the backtest (the fitted bars' mean spacing). */
  barMs: number;
  /** The refit period's number: with a finite lookback a new one moves the view's head (PairStream). */
  refit: number;
  /** The dynamic hedges the page may switch to next: their series are computed ahead, in the series worker. */
  alternatives?: readonly DynamicHedgeSpec[];
}

/** What of `o` a configure acts on, as a key ("" for null). */
export function optionsKey(o: LivePairOptions | null): string {
  if (!o) return "";
  const {view, rule, method, barMs, refit, alternatives = []} = o;
  return [view.intervalMs, view.lookbackMs, method, barMs, refit, ruleKeyOf(rule), ...alternatives.map(dynamicHedgeKey)].join("|");
}

/** Whether `next` changes the hedge of `previous` (another method, or the dynamic hedge's parameters) to one that rules. */
export function hedgeSwitched(previous: LivePairOptions | null, next: LivePairOptions): boolean {
  const key = (o: LivePairOptions) => (o.rule.dynamic ? dynamicHedgeKey(o.rule.dynamic) : "-");
  return (
    previous !== null &&
    (next.rule.hedge !== null || Boolean(next.rule.dynamic)) &&
    (previous.method !== next.method || key(previous) !== key(next))
  );
}
