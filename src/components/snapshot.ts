// Decodes the pair snapshot written by loaders/pairSnapshot.ts (Arrow IPC + "pairbook" metadata).
import {tableFromIPC} from "apache-arrow";

export interface SnapshotMeta {
  a: string;
  b: string;
  interval: string;
  from: number | null;
  to: number | null;
  builtAt: number;
  trades: {a: number; b: number};
  liveUrl: string;
}

export interface PairSnapshot {
  meta: SnapshotMeta;
  time: Float64Array;
  a: Float64Array;
  b: Float64Array;
}

export function decodeSnapshot(bytes: ArrayBuffer): PairSnapshot {
  const table = tableFromIPC(new Uint8Array(bytes));
  const meta = JSON.parse(table.schema.metadata.get("pairbook") ?? "null") as SnapshotMeta | null;
  if (!meta) throw new Error("pair snapshot has no pairbook metadata: rebuild with npm run build");
  const column = (name: string) => Float64Array.from(table.getChild(name)?.toArray() ?? []);
  return {meta, time: column("time"), a: column("a"), b: column("b")};
}
