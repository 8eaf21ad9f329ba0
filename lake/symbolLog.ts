// One symbol's write-ahead log as the lake writer holds it: the open segment taking new trades, the
// closed ones waiting to be published (kept open until they are, lake/wal.ts), the highest ids
// accepted and published, and an anchor whose first write failed.
import {writeAnchor} from "./anchor.js";
import {segmentPath, walDir} from "./layout.js";
import {WalSegment} from "./wal.js";

export class SymbolLog {
  /** Closed segments not yet published (oldest first), kept open until they are. */
  readonly closed: WalSegment[] = [];
  /** The anchor to write (the first attempt failed). */
  anchor: number | undefined;

  /**
   * `segment` (number `seq − 1`) takes new trades; `lastId` is the highest id accepted (stored,
   * logged or buffered), `storedLast` the highest published as Parquet.
   */
  constructor(
    readonly lake: string,
    readonly symbol: string,
    public segment: WalSegment,
    private seq: number,
    public lastId: number | undefined,
    public storedLast: number | undefined,
  ) {}

  /** Creates segment number `seq` in the symbol's log folder and a SymbolLog whose open segment it is. */
  static async create(
    lake: string,
    symbol: string,
    seq: number,
    lastId: number | undefined,
    storedLast: number | undefined,
  ): Promise<SymbolLog> {
    const segment = await WalSegment.create(walDir(lake, symbol), seq);
    return new SymbolLog(lake, symbol, segment, seq + 1, lastId, storedLast);
  }

  /** The closed segments, oldest first, then the open one. */
  get segments(): WalSegment[] {
    return [...this.closed, this.segment];
  }

  /** Lines not yet durable in a log file that exists. */
  get unsynced(): number {
    let n = 0;
    for (const segment of this.segments) n += segment.unsynced;
    return n;
  }

  /** Bytes of lines held only in memory. */
  get bufferedBytes(): number {
    let n = 0;
    for (const segment of this.segments) n += segment.bufferedBytes;
    return n;
  }

  /** Closes the open segment (it waits to be published) and opens the next; throws, keeping the open one, if it cannot be created. */
  async rotate(): Promise<void> {
    const next = await WalSegment.create(walDir(this.lake, this.symbol), this.seq++);
    this.segment.seal();
    this.closed.push(this.segment);
    this.segment = next;
  }

  /**
   * Writes the anchor still due, then writes and fsyncs every segment, oldest first, stopping at the
   * first failure (a segment is never durable ahead of an older one); a broken one is relocated first.
   */
  async sync(): Promise<void> {
    if (this.anchor !== undefined && this.storedLast === undefined) writeAnchor(this.lake, this.symbol, this.anchor);
    this.anchor = undefined;
    for (const segment of this.segments) {
      if (segment.broken) await segment.relocate(segmentPath(walDir(this.lake, this.symbol), this.seq++));
      await segment.sync();
    }
  }
}
