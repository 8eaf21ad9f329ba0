import {formatUnits} from "./decimal.js";
import {type FundingClock, fundingRateCap, formatRate, type PremiumIndex} from "./fundingClock.js";
import type {Instrument} from "./instruments.js";
import {type Endpoint, integerParam, limitParam, lookup} from "./rest.js";

export interface FundingRestOptions {
  /** The traded perpetuals; FundingClock indexes them alike. */
  readonly perpetuals: readonly Instrument[];
  readonly funding: FundingClock;
  readonly now: () => number;
}

/**
 * USD-M's funding endpoints for restHandler: /fapi/v1/fundingRate (settled fundings: symbol,
 * fundingTime, fundingRate, markPrice), /fapi/v1/premiumIndex (mark, index, the rate the next
 * funding would settle at, its time) and /fapi/v1/fundingInfo (fundingIntervalHours per symbol,
 * fractional when the simulator compresses time).
 */
export function fundingEndpoints({perpetuals, funding, now}: FundingRestOptions): Record<string, Endpoint> {
  const bySymbol = new Map(perpetuals.map((i, k) => [i.symbol, k]));
  const all = () => perpetuals.map((_, k) => k);
  return {
    "/fapi/v1/fundingRate": {
      weight: 1,
      handle: (query) => {
        const symbol = query.get("symbol");
        const ks = symbol === null ? all() : [lookup(symbol, bySymbol)];
        const start = integerParam(query, "startTime"),
          end = integerParam(query, "endTime"),
          limit = limitParam(query, 100, 1000);
        const rows = ks.flatMap((k) => funding.history(k, start, end, limit)).sort((a, b) => a.fundingTime - b.fundingTime);
        return (start === undefined && end === undefined ? rows.slice(-limit) : rows.slice(0, limit)).map((e) => ({
          symbol: e.symbol,
          fundingTime: e.fundingTime,
          fundingRate: formatRate(e.fundingRate),
          markPrice: formatUnits(Math.round(e.markPrice)),
        }));
      },
    },
    "/fapi/v1/premiumIndex": {
      weight: (query) => (query.has("symbol") ? 1 : 10),
      handle: (query) => {
        const symbol = query.get("symbol"),
          t = now();
        if (symbol !== null) return premiumRow(funding.premiumIndex(lookup(symbol, bySymbol), t));
        return all().map((k) => premiumRow(funding.premiumIndex(k, t)));
      },
    },
    "/fapi/v1/fundingInfo": {
      weight: 1,
      handle: () =>
        perpetuals.map((i) => ({
          symbol: i.symbol,
          adjustedFundingRateCap: formatRate(fundingRateCap),
          adjustedFundingRateFloor: formatRate(-fundingRateCap),
          fundingIntervalHours: funding.intervalMs / 3_600_000,
          disclaimer: false,
        })),
    },
  };
}

function premiumRow(x: PremiumIndex) {
  const price = (units: number) => (units === units ? formatUnits(Math.round(units)) : "0.00000000");
  return {
    symbol: x.symbol,
    markPrice: price(x.markPrice),
    indexPrice: price(x.indexPrice),
    estimatedSettlePrice: price(x.estimatedSettlePrice),
    lastFundingRate: formatRate(x.fundingRate === x.fundingRate ? x.fundingRate : 0),
    interestRate: "0.00010000",
    nextFundingTime: x.nextFundingTime,
    time: x.time,
  };
}
