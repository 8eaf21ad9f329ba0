// Frames a live-feed client sends, validated from `unknown`: the only message is
//   {"type": "subscribe", "symbols": ["BTCUSDT", "usdm:BTCUSDT", …], "interval": "1s" | "1m" | "5m" | "15m" | "1h"}
// (interval optional, default 1s). Anything else gets a one-line reason; nothing here throws.
import type {RawData} from "ws";
import {type Interval, intervals} from "../src/lib/bars.js";
import type {Subscribe} from "../src/protocol/liveWire.js";
import {isMarketSymbol} from "../src/protocol/symbol.js";
import {maxSymbolsPerSubscribe} from "./liveLimits.js";

/** A valid message, a frame to answer with an error, or one that breaks a limit (the client is closed). */
export type ClientMessage =
  {ok: true; message: Subscribe} | {ok: false; error: string; close?: false} | {ok: false; error: string; close: true};

/** JSON of any value, cut to `max` characters: error replies never echo a large frame back. */
export function excerpt(value: unknown, max = 40): string {
  let text: string;
  try {
    text =
      typeof value === "string"
        ? JSON.stringify(value)
        : Array.isArray(value)
          ? "an array"
          : value === null
            ? "null"
            : typeof value === "object"
              ? "an object"
              : typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
                ? String(value)
                : typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Parses and validates one client frame. */
export function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) return {ok: false, error: "binary frames are not understood; send JSON text"};
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return {ok: false, error: "malformed JSON"};
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {ok: false, error: `expected a JSON object such as {"type":"subscribe","symbols":["BTCUSDT"]}, got ${excerpt(value)}`};
  const type: unknown = Object.hasOwn(value, "type") ? (value as Record<string, unknown>).type : undefined;
  if (type !== "subscribe") return {ok: false, error: `unknown message type ${excerpt(type)}`};
  const rawInterval: unknown = Object.hasOwn(value, "interval") ? (value as Record<string, unknown>).interval : "1s";
  if (typeof rawInterval !== "string" || !Object.hasOwn(intervals, rawInterval))
    return {ok: false, error: `invalid interval: ${excerpt(rawInterval)} (expected one of ${Object.keys(intervals).join(", ")})`};
  const raw: unknown = Object.hasOwn(value, "symbols") ? (value as Record<string, unknown>).symbols : undefined;
  if (!Array.isArray(raw) || raw.length === 0)
    return {ok: false, error: `symbols must be a non-empty array of symbols such as ["BTCUSDT"], got ${excerpt(raw)}`};
  const symbols = new Set<string>();
  for (const symbol of raw as unknown[]) {
    if (!isMarketSymbol(symbol)) return {ok: false, error: `invalid symbol ${excerpt(symbol)} (expected e.g. BTCUSDT or usdm:BTCUSDT)`};
    symbols.add(symbol);
  }
  if (symbols.size > maxSymbolsPerSubscribe)
    return {ok: false, close: true, error: `subscribe lists ${symbols.size} symbols (limit ${maxSymbolsPerSubscribe})`};
  return {ok: true, message: {type: "subscribe", symbols: [...symbols], interval: rawInterval as Interval}};
}
