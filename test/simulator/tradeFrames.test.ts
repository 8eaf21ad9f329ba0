// The simulator's trade frames, read back by ws's own Receiver (the parser the recorder's client
// runs): a combined client of every symbol gets the frames the Outbound wrote in place, which must be
// the same bytes the copying path builds, and the bytes handed to a socket never change afterwards.
import {createRequire} from "node:module";
import {describe, expect, it} from "vitest";
import {Outbound} from "../../simulator/outbound.js";
import {streamEnvelopes, tradeFrames} from "../../simulator/tradeFrames.js";

// ws exports its frame parser, but @types/ws does not declare it.
interface FrameReceiver {
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): void;
  write(chunk: Buffer): void;
}
const {Receiver} = createRequire(import.meta.url)("ws") as {Receiver: new (options: {isServer: boolean}) => FrameReceiver};

/** The text messages in `bytes`, decoded as a WebSocket client decodes a server's frames. */
function messages(bytes: Buffer): string[] {
  const receiver = new Receiver({isServer: false});
  const out: string[] = [];
  receiver.on("message", (data, isBinary) => {
    expect(isBinary).toBe(false);
    out.push(data.toString());
  });
  receiver.write(bytes);
  return out;
}

const symbols = ["BTCUSDT", "X"];
const streams = ["btcusdt@trade", "x@trade"];

/** The same tick written into `out`: two BTCUSDT trades and, between them, one X trade so small its frame is under 126 bytes. */
function tick(out: Outbound): void {
  out.clear();
  out.pushTrade(0, 1764000000123, 5000000001, 4300012000000, 100000, 1764000000120, true);
  out.pushTrade(1, 1, 1, 1, 1, 1, false);
  out.pushTrade(0, 1764000000123, 5000000002, 4300000000000, 250000000, 1764000000121, false);
}

describe("simulator trade frames", () => {
  it("frames written in place equal the copied frames, byte for byte, short messages included", () => {
    const envelopes = streamEnvelopes(streams);
    const plain = new Outbound(symbols),
      framed = new Outbound(symbols, envelopes);
    tick(plain);
    tick(framed);
    const all = new Uint8Array([1, 1]);
    const copied = tradeFrames(plain, all, true, envelopes);
    const inPlace = tradeFrames(framed, all, true, envelopes);
    expect(inPlace.bytes.equals(copied.bytes)).toBe(true);
    expect(inPlace.id).toEqual([5000000001, 1, 5000000002]);
    expect(inPlace.symbol).toEqual([0, 1, 0]);
    const got = messages(inPlace.bytes);
    expect(got[1]).toBe(
      '{"stream":"x@trade","data":{"e":"trade","E":1,"s":"X","t":1,"p":"0.00000001","q":"0.00000001","T":1,"m":false,"M":true}}',
    );
    expect(Buffer.byteLength(got[1]) < 126).toBe(true);
    expect(JSON.parse(got[0])).toEqual({
      stream: "btcusdt@trade",
      data: {
        e: "trade",
        E: 1764000000123,
        s: "BTCUSDT",
        t: 5000000001,
        p: "43000.12000000",
        q: "0.00100000",
        T: 1764000000120,
        m: true,
        M: true,
      },
    });
    expect(JSON.parse(got[2]).data.q).toBe("2.50000000");
  });

  it("raw clients and clients of some symbols get the same frames from either Outbound", () => {
    const envelopes = streamEnvelopes(streams);
    for (const [wants, combined] of [
      [new Uint8Array([1, 1]), false],
      [new Uint8Array([1, 0]), true],
      [new Uint8Array([0, 1]), false],
    ] as const) {
      const plain = new Outbound(symbols),
        framed = new Outbound(symbols, envelopes);
      tick(plain);
      tick(framed);
      const a = tradeFrames(plain, wants, combined, envelopes),
        b = tradeFrames(framed, wants, combined, envelopes);
      expect(b.bytes.equals(a.bytes)).toBe(true);
      expect(b.id).toEqual(a.id);
    }
    const raw = new Outbound(symbols, envelopes);
    tick(raw);
    expect(messages(tradeFrames(raw, new Uint8Array([0, 1]), false, envelopes).bytes)).toEqual([
      '{"e":"trade","E":1,"s":"X","t":1,"p":"0.00000001","q":"0.00000001","T":1,"m":false,"M":true}',
    ]);
  });

  it("bytes handed to a socket are not overwritten by the next tick", () => {
    const envelopes = streamEnvelopes(streams);
    const out = new Outbound(symbols, envelopes);
    tick(out);
    const sent = tradeFrames(out, new Uint8Array([1, 1]), true, envelopes);
    const before = Buffer.from(sent.bytes);
    out.clear();
    for (let i = 0; i < 50; ++i) out.pushTrade(1, 2, 3 + i, 4, 5, 6, true);
    expect(sent.bytes.equals(before)).toBe(true);
    expect(messages(tradeFrames(out, new Uint8Array([1, 1]), true, envelopes).bytes)).toHaveLength(50);
  });

  it("wire refuses an Outbound that does not write frames", () => {
    expect(() => new Outbound(symbols).wire()).toThrow(/not written inside frames/);
  });
});
