// What a route handler answers: a status, a content type and a body — whole (cached and tagged by
// serve/server.ts when small) or streamed in chunks for large ranges.

export interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string | Uint8Array | Iterable<string> | AsyncIterable<string | Uint8Array>;
  /** File name a download is saved under (Content-Disposition), e.g. "BTCUSDT-1m.csv". */
  readonly filename?: string;
}

export const jsonType = "application/json; charset=utf-8";

/** A JSON reply: NaN and ±Infinity become null, typed arrays become arrays. */
export function jsonReply(value: unknown, status = 200): Reply {
  return {status, type: jsonType, body: JSON.stringify(value, jsonValue)};
}

/** JSON.stringify's replacer for typed arrays (which it would write as objects of indices). */
export function jsonValue(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

/** An error reply: `{error}` and, for a bad parameter, `{parameter}`. */
export function errorReply(status: number, error: string, parameter?: string): Reply {
  return jsonReply(parameter === undefined ? {error} : {error, parameter}, status);
}
