// The simulator's public surface: a local Binance-compatible server and the pure market behind it.
export {defaultSymbols, instrument, type Instrument} from "./instruments.js";
export {firstTradeId, Market, type MarketOptions, TradeBatch} from "./market.js";
export {type Simulator, type SimulatorOptions, startSimulator} from "./server.js";
