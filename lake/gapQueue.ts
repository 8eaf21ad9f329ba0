// Gap records waiting to be stored. A record that cannot be written (disk full, read-only or
// deleted lake) is kept, in order, and written again at the next attempt: never dropped while the
// writer runs; at shutdown the ones left are reported.
import type {GapRecord} from "../src/protocol/gaps.js";

export class GapQueue {
  private readonly waiting: {gap: GapRecord; stored: (ok: boolean) => void}[] = [];
  /** Records stored so far. */
  stored = 0;

  get size(): number {
    return this.waiting.length;
  }

  /** Queues a record; resolves true once stored, false if abandoned at shutdown. */
  push(gap: GapRecord): Promise<boolean> {
    return new Promise((stored) => void this.waiting.push({gap, stored}));
  }

  /** Writes the waiting records oldest first, at most `limit` of them; a failure is thrown and its record stays first. */
  async drain(write: (gap: GapRecord) => Promise<void>, limit = Infinity): Promise<void> {
    for (let n = 0; n < limit && this.waiting.length > 0; ++n) {
      const {gap, stored} = this.waiting[0];
      await write(gap);
      this.waiting.shift();
      this.stored++;
      stored(true);
    }
  }

  /** Gives up on the waiting records (shutdown): each resolves false. Returns how many there were. */
  abandon(): number {
    const left = this.waiting.splice(0);
    for (const {stored} of left) stored(false);
    return left.length;
  }
}
