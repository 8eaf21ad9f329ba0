// A simulator feeding a recorder in-process, for the pages' live tests.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {startRecorder, type Recorder} from "../../recorder/recorder.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";

export interface LiveRig {
  recorder: Recorder;
  /** Closing it stops the trades (the recorder and its live feed stay up). */
  simulator: Simulator;
  liveUrl: string;
  close: () => Promise<void>;
}

export async function startLiveRig(symbols = ["BTCUSDT", "ETHUSDT"], rate = 20): Promise<LiveRig> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-live-"));
  const simulator: Simulator = await startSimulator({port: 0, symbols, rate});
  const recorder = await startRecorder({
    symbols,
    lake,
    wsUrl: simulator.wsUrl,
    restUrl: simulator.restUrl,
    liveHost: "127.0.0.1",
    livePort: 0,
    publishMs: 1000,
    log: () => {},
  });
  return {
    recorder,
    simulator,
    liveUrl: `ws://127.0.0.1:${recorder.livePort}`,
    close: async () => {
      await simulator.close();
      await recorder.stop();
      await rm(lake, {recursive: true, force: true});
    },
  };
}
