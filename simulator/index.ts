// The simulator's public surface: a local Binance-compatible server (spot and USD-M) and the pure market behind it.
export {defaultSymbols, instrument, type Instrument} from "./instruments.js";
export {firstTradeId, Market, type MarketOptions, TradeBatch} from "./market.js";
export {type Simulator, type SimulatorOptions, startSimulator, type UsdmSimulator} from "./server.js";
export {type UsdmOptions} from "./usdmMarket.js";
export {notPerpetualSuffix, notTradingSymbol} from "./usdmContracts.js";
export {
  faultKinds,
  malformedKinds,
  parseFaults,
  type FaultKind,
  type FaultOptions,
  type FaultRates,
  type FaultRecord,
  type FaultRecordOf,
  type MalformedKind,
} from "./faults.js";
export {type TradeSource} from "./tradeSource.js";
export {TradeHistory} from "./tradeHistory.js";
