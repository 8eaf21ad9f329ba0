// What a foreign web page (or a DNS-rebinding one) would send to the recorder's local API, sent as
// fast as a few connections allow: reads of /health and the alert events, rule changes (a text/plain
// "simple" POST, PATCH, DELETE), CORS preflights and WebSocket upgrades. Every one must be refused.
import {Agent, request} from "node:http";
import WebSocket from "ws";

export interface ForeignTally {
  requests: number;
  /** Answers by status (upgrades included). */
  byStatus: Record<number, number>;
  /** Requests that were served (2xx, a CORS grant to the foreign origin, an opened WebSocket): must stay empty. */
  served: string[];
}

const evil = "https://evil.example";
const rule = JSON.stringify({id: "foreign", target: "BTCUSDT", metric: "price", comparator: ">", threshold: 1});

/** The attempts: a name, and the request (Host defaults to this machine's 127.0.0.1:port). */
function attempts(port: number) {
  const rebound = `evil.example:${port}`; // the page's own name, resolved to 127.0.0.1
  return [
    {name: "foreign page reads /health", method: "GET", path: "/health", headers: {origin: evil}},
    {name: "rebound page reads /health", method: "GET", path: "/health", headers: {host: rebound}},
    {name: "null-origin page reads alert events", method: "GET", path: "/alerts/events", headers: {origin: "null"}},
    {
      name: "text/plain POST of a rule (CSRF)",
      method: "POST",
      path: "/alerts/rules",
      headers: {origin: evil, "content-type": "text/plain"},
      body: rule,
    },
    {
      name: "rebound page POSTs a rule",
      method: "POST",
      path: "/alerts/rules",
      headers: {host: rebound, "content-type": "application/json"},
      body: rule,
    },
    {
      name: "foreign PATCH of a rule",
      method: "PATCH",
      path: "/alerts/rules/p0",
      headers: {origin: evil, "content-type": "application/json"},
      body: '{"paused":true}',
    },
    {name: "foreign DELETE of a rule", method: "DELETE", path: "/alerts/rules/p0", headers: {origin: evil}},
    {
      name: "foreign CORS preflight",
      method: "OPTIONS",
      path: "/alerts/rules",
      headers: {origin: evil, "access-control-request-method": "POST", "access-control-request-headers": "content-type"},
    },
    {name: "foreign WebSocket", ws: {origin: evil}},
    {name: "rebound WebSocket", ws: {headers: {host: rebound}}},
  ] as const;
}

/**
 * Sends foreign requests to the recorder API at `port` from `connections` parallel loops until `until`
 * (ms since the epoch); resolves with what came back.
 *
 *   const tally = await hammerForeign(8787, {until: Date.now() + 4000}); tally.served; // []
 */
export async function hammerForeign(port: number, {until, connections = 6}: {until: number; connections?: number}): Promise<ForeignTally> {
  const tally: ForeignTally = {requests: 0, byStatus: {}, served: []};
  const agent = new Agent({keepAlive: true, maxSockets: connections});
  const list = attempts(port);
  const count = (status: number) => void (tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1);
  const one = (attempt: (typeof list)[number]) =>
    new Promise<void>((resolve, reject) => {
      tally.requests++;
      if ("ws" in attempt) {
        const socket = new WebSocket(`ws://127.0.0.1:${port}/`, attempt.ws);
        socket.once("open", () => (tally.served.push(attempt.name), socket.terminate(), resolve()));
        socket.once("unexpected-response", (_req, res) => (count(res.statusCode ?? 0), res.resume(), socket.terminate(), resolve()));
        socket.once("error", (error) => (error.message.startsWith("Unexpected server response") ? undefined : reject(error)));
        return;
      }
      const req = request(
        {
          host: "127.0.0.1",
          port,
          agent,
          method: attempt.method,
          path: attempt.path,
          headers: {host: `127.0.0.1:${port}`, ...attempt.headers},
        },
        (res) => {
          count(res.statusCode ?? 0);
          const granted = res.headers["access-control-allow-origin"];
          if ((res.statusCode ?? 0) < 300 || granted === "*" || granted === evil || granted === "null")
            tally.served.push(`${attempt.name} (${res.statusCode}, allow-origin ${granted ?? "none"})`);
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end("body" in attempt ? attempt.body : undefined);
    });
  await Promise.all(
    Array.from({length: connections}, async (_, k) => {
      for (let i = k; Date.now() < until; i += connections) await one(list[i % list.length]);
    }),
  );
  agent.destroy();
  return tally;
}
