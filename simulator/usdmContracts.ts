import {instrument, type Instrument} from "./instruments.js";

/** A USD-M futures contract as /fapi/v1/exchangeInfo lists it. */
export interface Contract {
  readonly instrument: Instrument;
  readonly contractType: "PERPETUAL" | "CURRENT_QUARTER";
  readonly status: "TRADING" | "SETTLING";
  /** Far in the future (2100-12-25) for perpetuals, as Binance writes it. */
  readonly deliveryDate: number;
}

const perpetualDelivery = 4_133_404_800_000;
/** A quarterly contract's delivery: 2026-12-25 08:00 UTC. */
const quarterlyDelivery = Date.UTC(2026, 11, 25, 8);

/** The listed-only contracts a recorder must refuse: a quarterly (not perpetual) and a perpetual that no longer trades. */
export const notPerpetualSuffix = "_261225",
  notTradingSymbol = "DELISTEDUSDT";

/**
 * The USD-M contracts the simulator lists: a trading perpetual per traded symbol, plus two that are
 * listed but never trade, for the errors a recorder owes its user: `<first symbol>_261225`
 * (CURRENT_QUARTER) and DELISTEDUSDT (a PERPETUAL in status SETTLING).
 *
 *   usdmContracts(["BTCUSDT"]).map((c) => c.instrument.symbol) // ["BTCUSDT", "BTCUSDT_261225", "DELISTEDUSDT"]
 */
export function usdmContracts(perpetuals: readonly Instrument[]): Contract[] {
  const contracts: Contract[] = perpetuals.map((i) => ({
    instrument: i,
    contractType: "PERPETUAL",
    status: "TRADING",
    deliveryDate: perpetualDelivery,
  }));
  if (perpetuals.length > 0) {
    const base = perpetuals[0];
    contracts.push({
      instrument: {...base, symbol: `${base.symbol}${notPerpetualSuffix}`},
      contractType: "CURRENT_QUARTER",
      status: "TRADING",
      deliveryDate: quarterlyDelivery,
    });
  }
  if (!perpetuals.some((i) => i.symbol === notTradingSymbol))
    contracts.push({
      instrument: instrument(notTradingSymbol),
      contractType: "PERPETUAL",
      status: "SETTLING",
      deliveryDate: perpetualDelivery,
    });
  return contracts;
}
