// The browser clients (health, alerts API, live feed) against a real LiveHub that requires a token
// (the URL rules: test/protocol/recorderEndpoint.test.ts): the token goes as a Bearer header on
// fetches (never in their URL), the CORS preflight that header causes is answered, and no status
// shows the token.
import {request} from "node:http";
import {afterEach, describe, expect, it, vi} from "vitest";
import WebSocket from "ws";
import {LiveHub} from "../../recorder/liveHub.js";
import {AlertsApi} from "../../src/client/alertsApi.js";
import {fetchHealth} from "../../src/client/health.js";
import {connectLiveFeed, type LiveStatus} from "../../src/client/liveFeed.js";
import {recorderEndpoint} from "../../src/protocol/recorderEndpoint.js";

const token = "0123456789abcdef0123";

describe("the browser clients against a recorder that requires a token", () => {
  let hub: LiveHub | undefined, stop: (() => void) | undefined;
  afterEach(async () => (stop?.(), await hub?.close(), (hub = stop = undefined)));
  const start = async () =>
    (hub = await LiveHub.start({
      host: "127.0.0.1",
      port: 0,
      symbols: ["BTCUSDT"],
      health: () => ({symbols: {BTCUSDT: {}}}),
      access: {token},
    }));

  it("fetchHealth and AlertsApi send the token as a Bearer header; without it the answer is 401 and nothing shows the token", async () => {
    const {port} = await start();
    const seen: string[] = [];
    const spy: typeof fetch = (input, init) => (seen.push(input instanceof Request ? input.url : String(input)), fetch(input, init));
    const ok = await fetchHealth(`ws://127.0.0.1:${port}/?token=${token}`, spy);
    expect(ok).toMatchObject({ok: true, url: `http://127.0.0.1:${port}/health`, health: {symbols: {BTCUSDT: {}}}});
    expect(seen).toEqual([`http://127.0.0.1:${port}/health`]); // the token is in no request URL
    expect(await new AlertsApi(recorderEndpoint(`ws://127.0.0.1:${port}/?token=${token}`), spy).symbols()).toEqual(["BTCUSDT"]);

    const missing = await fetchHealth(`ws://127.0.0.1:${port}`);
    expect(missing).toMatchObject({
      ok: false,
      error: `http://127.0.0.1:${port}/health answered 401: this recorder requires its token: send Authorization: Bearer <token> or ?token=<token>`,
    });
    const wrong = await fetchHealth(`ws://127.0.0.1:${port}/?token=wrong-token-0123456789`);
    expect(wrong).toMatchObject({ok: false, error: `http://127.0.0.1:${port}/health answered 401: wrong token`});
    expect(await new AlertsApi(recorderEndpoint(`ws://127.0.0.1:${port}`)).symbols()).toBeNull();
  });

  it("the preflight a page's Bearer header causes is allowed (authorization among the allowed headers)", async () => {
    const {port} = await start();
    const answer = await new Promise<{status: number; headers: Record<string, unknown>}>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "OPTIONS",
          path: "/alerts/rules",
          headers: {
            origin: "http://127.0.0.1:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type",
          },
        },
        (res) => {
          res.resume();
          resolve({status: res.statusCode!, headers: res.headers});
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(204);
    expect(answer.headers["access-control-allow-origin"]).toBe("http://127.0.0.1:3000");
    expect(String(answer.headers["access-control-allow-headers"]).split(/,\s*/)).toEqual(
      expect.arrayContaining(["authorization", "content-type"]),
    );
  });

  it("connectLiveFeed goes live with the token in its URL, and its status lines never show the token", async () => {
    const {port} = await start();
    const statuses: LiveStatus[] = [];
    // Node's ws in the browser's place (same onopen/onmessage/onclose); a browser reports a refused upgrade as error + close too.
    const socket = (url: string) => new WebSocket(url).on("error", () => {}) as unknown as globalThis.WebSocket;
    stop = connectLiveFeed({
      url: `ws://127.0.0.1:${port}/?token=${token}`,
      symbols: ["BTCUSDT"],
      interval: "1s",
      onStatus: (s) => statuses.push(s),
      socket,
    });
    await vi.waitFor(() => expect(statuses.at(-1)?.state).toBe("live"), {timeout: 10_000, interval: 20});
    expect(statuses.map((s) => s.detail)).toEqual([
      `Connecting to ws://127.0.0.1:${port}/?token=……`,
      `Live from the recorder at ws://127.0.0.1:${port}/?token=…`,
    ]);
    stop();

    // A wrong token: refused at the upgrade; the retry notice names the URL without the token.
    const refused: LiveStatus[] = [];
    stop = connectLiveFeed({
      url: `ws://127.0.0.1:${port}/?token=wrong-token-0123456789`,
      symbols: ["BTCUSDT"],
      interval: "1s",
      onStatus: (s) => refused.push(s),
      socket,
      initialBackoffMs: 60_000,
    });
    await vi.waitFor(() => expect(refused.at(-1)?.state).toBe("reconnecting"), {timeout: 10_000, interval: 20});
    expect(refused.at(-1)?.detail).toMatch(new RegExp(`^No recorder at ws://127\\.0\\.0\\.1:${port}/\\?token=…; retrying in \\d+ s$`));
    expect(JSON.stringify([...statuses, ...refused])).not.toContain("wrong-token");
    expect(JSON.stringify([...statuses, ...refused])).not.toContain(token);
  });
});
