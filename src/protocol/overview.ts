// The overview file (data/overview.json): what the lake holds per symbol and date, ingest per minute
// over the lookback, gap records, latest prices and this build's pair reports. loaders/overview.ts
// builds it (through src/data/overview.json.ts); the Overview, System, Data, Lab, Cointegration and
// Alerts pages read it.
import type {GapRecord} from "./gaps.js";
import type {HistoryStatus} from "./historyStatus.js";

export interface Overview {
  builtAt: number;
  /** The lake folder relative to the project, or its name: never the building machine's absolute path. */
  lake: string;
  interval: string;
  lookbackMs: number;
  from: number | null;
  to: number | null;
  liveUrl: string;
  healthUrl: string;
  symbols: {
    symbol: string;
    trades: number;
    firstTime: number | null;
    lastTime: number | null;
    lastPrice: number | null;
    windowOpen: number | null;
  }[];
  pairs: {a: string; b: string; slug: string}[];
  coverage: {
    symbol: string;
    date: string;
    trades: number;
    files: number;
    firstTime: number;
    lastTime: number;
    gaps: number;
    unfilledGaps: number;
  }[];
  gaps: GapRecord[];
  ingest: {from: number | null; stepMs: number; counts: Record<string, number[]>};
  /** The recorder's history loading of the symbols when built (loaders/historyStatus.ts); null or absent: none known. */
  history?: HistoryStatus | null;
}
