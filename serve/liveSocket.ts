// One client of the live channel (ws /api/v1/live): its subscriptions, what is owed to it, and its
// limits (channelLimits.ts). Everything it sends is validated (liveParams.ts); nothing it sends can
// throw out of here. Rows wait (coalesced) while it is behind; one behind for too long, or over the
// queue bound, is closed (1008), as is one that keeps sending invalid messages.
import type {WebSocket} from "ws";
import {type ChannelLimits, errorBurst, errorRefillPerSecond} from "./channelLimits.js";
import {parseLiveMessage} from "./liveParams.js";
import {LiveSubscription, SubscriptionError} from "./liveSubscription.js";
import {ParamError} from "./params.js";
import type {RouteContext} from "./route.js";

/** What a socket needs of the channel: seeding context, the shared counters, the recorder's feed. */
export interface LiveSocketHost {
  context(params: RouteContext["params"]): RouteContext;
  /** Subscriptions of every socket (made or being seeded). */
  total: number;
  readonly limits: ChannelLimits;
  /** Starts following a subscription's legs; returns a note when the recorder is known not to record one. */
  attach(subscription: LiveSubscription): string | null;
  detach(subscription: LiveSubscription): void;
  status(): object;
  log(line: string): void;
}

export class LiveSocket {
  readonly subscriptions = new Map<string, LiveSubscription>();
  private seeding = new Set<string>();
  private next = 1;
  private stuckSince: number | undefined;
  private errorTokens = errorBurst;
  private errorsAt = Date.now();
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly host: LiveSocketHost,
    private readonly onClose: () => void,
  ) {
    socket.on("close", () => this.end());
    socket.on("error", () => this.end()); // ws closes the socket itself after a protocol error (1009…)
    socket.on("message", (data, isBinary) => {
      const failed = (error: unknown) => {
        host.log(`pairbook serve: live channel message failed: ${(error as Error)?.stack ?? String(error)}`);
        this.send({type: "error", error: "internal error (details in pairbook serve's log)"});
      };
      try {
        const parsed = parseLiveMessage(data, isBinary);
        if (!parsed.ok) return this.refuse(parsed);
        if (parsed.type === "unsubscribe") return this.unsubscribe(parsed.id);
        this.subscribe(parsed.id, parsed.params).catch(failed);
      } catch (error) {
        failed(error);
      }
    });
    this.send({type: "status", ...host.status()});
  }

  /** Sends every subscription's changed rows, unless the client is behind (they wait, coalesced). */
  flush(now = Date.now()): void {
    if (this.closed) return;
    const {slowSocketBytes, stuckMs} = this.host.limits;
    if (this.socket.bufferedAmount > slowSocketBytes) {
      this.stuckSince ??= now;
      if (now - this.stuckSince > stuckMs)
        this.drop(1008, `client too slow: stopped reading the live channel (over ${slowSocketBytes} unsent bytes for ${stuckMs / 1000} s)`);
      return;
    }
    this.stuckSince = undefined;
    for (const sub of this.subscriptions.values()) this.sendRows(sub, "rows");
  }

  /** Sends a message (JSON; NaN becomes null); false when the client is gone or over its queue bound. */
  send(message: object): boolean {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return false;
    const {maxQueuedBytes} = this.host.limits;
    if (this.socket.bufferedAmount > maxQueuedBytes) {
      this.drop(1008, `over ${maxQueuedBytes} unsent bytes: the client stopped reading`);
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private async subscribe(given: string | null, params: RouteContext["params"]): Promise<void> {
    const id = given ?? String(this.next++);
    const refuse = (error: string, parameter?: string) => this.send({type: "error", id, error, ...(parameter && {parameter})});
    if (this.subscriptions.has(id) || this.seeding.has(id))
      return void refuse(`subscription ${id} exists: unsubscribe it first or use another id`, "id");
    const {subscriptionsPerSocket, subscriptionsOverall} = this.host.limits;
    if (this.subscriptions.size + this.seeding.size >= subscriptionsPerSocket)
      return void refuse(`over ${subscriptionsPerSocket} subscriptions on this socket: unsubscribe one first`);
    if (this.host.total >= subscriptionsOverall)
      return void refuse(`pairbook serve holds ${subscriptionsOverall} live subscriptions (its limit); try again later`);
    this.seeding.add(id);
    this.host.total++;
    let sub: LiveSubscription;
    try {
      sub = await LiveSubscription.seed(id, this.host.context(params));
    } catch (error) {
      this.host.total--;
      this.seeding.delete(id);
      if (error instanceof ParamError) return void refuse(error.message, error.parameter);
      if (error instanceof SubscriptionError || error instanceof RangeError) return void refuse(error.message);
      throw error;
    }
    this.seeding.delete(id);
    if (this.closed) return void this.host.total--;
    // The seeded rows first, then those the recorder's recent bars change.
    this.sendRows(sub, "snapshot");
    this.subscriptions.set(id, sub);
    const note = this.host.attach(sub);
    this.sendRows(sub, "rows");
    if (note) this.send({type: "status", id, ...this.host.status(), message: note});
  }

  private unsubscribe(id: string): void {
    const sub = this.subscriptions.get(id);
    if (!sub) return void this.send({type: "error", id, parameter: "id", error: `no subscription ${id} on this socket`});
    this.remove(sub);
    this.send({type: "unsubscribed", id});
  }

  private sendRows(sub: LiveSubscription, type: "snapshot" | "rows"): void {
    try {
      const rows = sub.take(),
        refunded = sub.takeFunding();
      // A perpetual leg: the backtest's funding paid so far, with the rows, or alone when only funding came.
      const paid = sub.funded ? {fundingPaid: sub.fundingPaid} : {};
      if (!rows) return void (refunded && sub.funded && this.send({type: "funding", id: sub.id, ...paid}));
      const head = type === "snapshot" ? {settings: sub.settings} : {};
      this.send({type, id: sub.id, ...head, from: rows.from, rows: rows.rows, ...paid});
    } catch (error) {
      if (!(error instanceof SubscriptionError)) throw error;
      this.remove(sub);
      this.send({type: "error", id: sub.id, error: error.message});
    }
  }

  private remove(sub: LiveSubscription): void {
    if (this.subscriptions.delete(sub.id)) (this.host.detach(sub), this.host.total--);
  }

  /** An error reply, rate-limited: a client that keeps sending invalid messages is closed. */
  private refuse(error: {error: string; parameter?: string; id?: string}): void {
    const now = Date.now();
    this.errorTokens = Math.min(errorBurst, this.errorTokens + ((now - this.errorsAt) / 1000) * errorRefillPerSecond);
    this.errorsAt = now;
    if (this.errorTokens < 1) return this.drop(1008, "too many invalid messages");
    this.errorTokens--;
    this.send({type: "error", ...(error.id && {id: error.id}), error: error.error, ...(error.parameter && {parameter: error.parameter})});
  }

  private drop(code: number, reason: string): void {
    if (this.closed) return;
    this.host.log(`pairbook serve: live channel client closed (${code}): ${reason}`);
    this.end();
    this.socket.close(code, reason.slice(0, 120));
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subscriptions.values()) this.remove(sub);
    this.onClose();
  }
}
