// recorderEndpoint: every browser client and the overview loader derive the recorder's addresses and
// token from the one live-feed URL, and no page text shows the token.
import {describe, expect, it} from "vitest";
import {authHeaders, recorderEndpoint, redactToken} from "../../src/protocol/recorderEndpoint.js";

const token = "0123456789abcdef0123";

describe("recorderEndpoint(liveUrl)", () => {
  it("derives the HTTP base and the token from the live URL, and shows it with the token redacted", () => {
    expect(recorderEndpoint("ws://127.0.0.1:8787")).toEqual({
      ws: "ws://127.0.0.1:8787",
      http: "http://127.0.0.1:8787",
      token: null,
      shown: "ws://127.0.0.1:8787",
    });
    expect(recorderEndpoint(`ws://10.0.0.5:8787/?token=${token}`)).toEqual({
      ws: `ws://10.0.0.5:8787/?token=${token}`,
      http: "http://10.0.0.5:8787",
      token,
      shown: "ws://10.0.0.5:8787/?token=…",
    });
    expect(recorderEndpoint("wss://box.example:9000/?x=1&token=s3cr3t&y=2")).toMatchObject({
      http: "https://box.example:9000",
      token: "s3cr3t",
      shown: "wss://box.example:9000/?x=1&token=…&y=2",
    });
    expect(recorderEndpoint("ws://[::1]:8787/?token=")).toMatchObject({http: "http://[::1]:8787", token: null});
    expect(recorderEndpoint("ws://localhost:8787/?token=a%2Bb")).toMatchObject({token: "a+b"});
    expect(authHeaders({token: null})).toEqual({});
    expect(authHeaders({token})).toEqual({authorization: `Bearer ${token}`});
  });

  it("refuses what is not a ws(s) or http(s) URL, without echoing the token", () => {
    expect(() => recorderEndpoint("not a url?token=s3cr3t")).toThrow(RangeError);
    expect(() => recorderEndpoint("not a url?token=s3cr3t")).toThrow(
      'invalid live-feed URL: "not a url?token=…" (expected a ws: URL such as ws://127.0.0.1:8787, optionally with ?token=…)',
    );
    expect(() => recorderEndpoint("file:///etc/passwd")).toThrow(/invalid live-feed URL/);
  });

  it("redactToken hides every token= value in any text, case-insensitively, and leaves the rest", () => {
    expect(redactToken(`Connecting to ws://h:1/?token=${token} now`)).toBe("Connecting to ws://h:1/?token=… now");
    expect(redactToken("a ws://h/?TOKEN=x&token=y#z and ws://h/?a=1")).toBe("a ws://h/?TOKEN=…&token=…#z and ws://h/?a=1");
    expect(redactToken("no token here: tokens=1")).toBe("no token here: tokens=1");
  });
});
