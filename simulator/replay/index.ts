// Replays of recorded trades through the simulator's server: sources from raw captures and the lake.
export {type CaptureSummary, readCaptures} from "./capture.js";
export {type LakeRange, readLake} from "./lake.js";
export {mergeTrades, type RecordedTrades} from "./recordedTrades.js";
export {ReplaySource, type ReplaySpeed} from "./replaySource.js";
