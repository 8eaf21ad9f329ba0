// The live channel's client messages (ws /api/v1/live), validated from `unknown`:
//   {"type": "subscribe", "id": "s1", "a": "BTCUSDT", "b": "ETHUSDT", "interval": "1m", "window": 20, …}
//   {"type": "unsubscribe", "id": "s1"}
// A subscribe takes the report endpoint's parameters (GET /api/v1/pairs/{a}/{b}/report) as fields,
// parsed by the same specs (serve/params.ts), so names, defaults and errors are the report's.
import type {RawData} from "ws";
import {
  errorBurst,
  maxChannelSockets,
  maxClientFrameBytes,
  maxSocketQueuedBytes,
  maxSubscriptionsOverall,
  maxSubscriptionsPerSocket,
  slowSocketBytes,
  stuckMs,
} from "./channelLimits.js";
import {schemaOf} from "./openapi.js";
import {type ParamSpec, ParamError, type Params, parseParams} from "./params.js";
import {dynamicOf, reportRoute} from "./report.js";

/** The subscription's parameters: the pair (fields a and b) and the report route's query parameters. */
export const liveParamSpecs: readonly ParamSpec[] = [
  {name: "a", in: "query", kind: "symbol", required: true, description: "first leg (the dependent series), e.g. BTCUSDT"},
  {name: "b", in: "query", kind: "symbol", required: true, description: "second leg, e.g. ETHUSDT"},
  ...reportRoute.params.filter((spec) => spec.in === "query"),
];

/** A valid message, or an error to answer with (naming the parameter at fault when there is one). */
export type LiveClientMessage =
  | {ok: true; type: "subscribe"; id: string | null; params: Params}
  | {ok: true; type: "unsubscribe"; id: string}
  | {ok: false; error: string; parameter?: string; id?: string};

const idPattern = /^[\w.:-]{1,64}$/;

/** Parses and validates one client frame; never throws. */
export function parseLiveMessage(data: RawData, isBinary: boolean): LiveClientMessage {
  if (isBinary) return {ok: false, error: "binary frames are not understood; send JSON text"};
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return {ok: false, error: "malformed JSON"};
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {ok: false, error: `expected a JSON object such as {"type":"subscribe","a":"BTCUSDT","b":"ETHUSDT"}`};
  const fields = value as Record<string, unknown>;
  const type = Object.hasOwn(fields, "type") ? fields.type : undefined;
  const rawId = Object.hasOwn(fields, "id") ? fields.id : undefined;
  if (rawId !== undefined && !(typeof rawId === "string" && idPattern.test(rawId)))
    return {ok: false, parameter: "id", error: "invalid id (expected 1 to 64 letters, digits, _ . : or -)"};
  const id = rawId === undefined ? null : rawId;
  if (type === "unsubscribe") {
    if (id === null) return {ok: false, parameter: "id", error: "missing id: unsubscribe names the subscription's id"};
    return {ok: true, type, id};
  }
  if (type !== "subscribe") return {ok: false, error: `unknown message type (expected "subscribe" or "unsubscribe")`};
  const query = new URLSearchParams();
  for (const [name, field] of Object.entries(fields)) {
    if (name === "type" || name === "id") continue;
    if (typeof field !== "string" && typeof field !== "number" && typeof field !== "boolean")
      return {ok: false, parameter: name, error: `invalid ${name.slice(0, 40)}: expected a string, number or boolean`, ...(id && {id})};
    query.set(name, String(field));
  }
  try {
    const params = parseParams(liveParamSpecs, query);
    dynamicOf(params);
    if (params.string("a") === params.string("b")) throw new ParamError("b", `b must differ from a (both are ${params.string("a")})`);
    return {ok: true, type, id, params};
  } catch (error) {
    if (error instanceof ParamError) return {ok: false, parameter: error.parameter, error: error.message, ...(id && {id})};
    throw error;
  }
}

/** The channel in the OpenAPI document (OpenAPI has no WebSocket operations: an `x-websockets` entry). */
export function liveChannelDocument(): Record<string, unknown> {
  return {
    "/api/v1/live": {
      summary:
        "WebSocket: per-bar analytics of a pair (time, closes a and b, alpha, beta, spread, z, position, signal), seeded from the lake and pushed as the recorder's live feed changes them",
      description: [
        'Send {"type":"subscribe","id":"s1","a":"BTCUSDT","b":"ETHUSDT", …} with the report\'s query parameters as fields; {"type":"unsubscribe","id":"s1"}.',
        'Server messages: {"type":"status","live":"connecting|connected|down","message"} (the recorder\'s feed; on connect and on every change),',
        '{"type":"snapshot","id","settings","from":0,"rows":[…]} once seeded, then {"type":"rows","id","from","rows":[…]}: replace the rows from index `from` on;',
        'with a perpetual (usdm:) leg, snapshot and rows carry "fundingPaid" (the backtest\'s, with the funding the recorder stores while open), and {"type":"funding","id","fundingPaid"} comes when only funding changed it;',
        '{"type":"error","id"?,"parameter"?,"error"}: the subscription is not made, the socket stays open.',
        `Limits: ${maxSubscriptionsPerSocket} subscriptions per socket, ${maxSubscriptionsOverall} overall, ${maxChannelSockets} sockets (503 at the upgrade), client frames of ${maxClientFrameBytes} bytes (1009);`,
        `a client behind by over ${slowSocketBytes} bytes for ${stuckMs / 1000} s, or by ${maxSocketQueuedBytes} at once, is closed (1008), as is one sending invalid messages past a burst of ${errorBurst}.`,
        "The upgrade passes the API's Host, Origin and token checks (?token= or Authorization: Bearer).",
      ].join(" "),
      subscribe: liveParamSpecs.map((spec) => ({
        name: spec.name,
        required: Boolean(spec.required),
        description: spec.description,
        schema: schemaOf(spec),
      })),
    },
  };
}
