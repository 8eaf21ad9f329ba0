import {describe, expect, it} from "vitest";
import {FitClient} from "../../src/client/fitWorker.js";
import {hedgeRatio} from "../../src/lib/hedgeRatio.js";
import {generatePair} from "../lib/series.js";

describe("FitClient (on the main thread: no Worker in Node)", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 7, n: 400});
  const options = {method: "ols", log: false, rollingWindow: 50};

  it("fit(a, b, options) again with the same bars and options returns the first call's answers, without new work", async () => {
    const client = new FitClient(null);
    const first = client.fit(a, b, options);
    const again = client.fit(a, b, {...options});
    expect(again.hedge).toBe(first.hedge);
    expect(again.fit).toBe(first.fit);
    // The answer is the hedge of the bars, by an independent call.
    expect((await first.hedge).beta).toBe(hedgeRatio(a, b, {method: "ols"}).beta);
    client.stop();
  });

  it("another method, or other bars with equal values, is a new fit", async () => {
    const client = new FitClient(null);
    const first = client.fit(a, b, options);
    await first.fit;
    const tls = client.fit(a, b, {...options, method: "tls"});
    expect(tls.fit).not.toBe(first.fit);
    expect((await tls.hedge).method).toBe("tls");
    const copy = client.fit(Float64Array.from(a), b, {...options, method: "tls"});
    expect(copy.fit).not.toBe(tls.fit);
    await copy.fit;
    client.stop();
  });
});
