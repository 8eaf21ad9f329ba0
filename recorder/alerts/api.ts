// The recorder's local HTTP API for alert rules and history, on the live-feed port (127.0.0.1 by
// default), used by the notebook's Alerts page. Host, Origin, token and a JSON content-type are checked
// before any route (recorder/access.ts: 403, 401, 415); bodies are at most 64 KiB (else 413):
//   GET    /alerts/rules                     → {rules} (ListedRule: each with pauseReason, and its AlertRuleState)
//   (503 {error} on every route when the recorder runs with --no-alerts)
//   POST   /alerts/rules          {rule}     → 201 {rule} | 400 {error, field} (field "rules": MAX_ALERT_RULES reached)
//   PATCH  /alerts/rules/<id>     {changes}  → 200 {rule} | 400 {error, field} | 404   (e.g. {"paused": false}: resumes, clears pauseReason)
//   DELETE /alerts/rules/<id>                → 204 | 404
//   GET    /alerts/events?rule=&severity=&since=<ms>&limit= → {events}
import type {IncomingMessage, ServerResponse} from "node:http";
import type {ListedRule} from "../../src/protocol/alerts.js";
import {maxBodyBytes} from "../liveLimits.js";
import type {AlertEngine} from "./engine.js";
import {RuleError} from "./rules.js";

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : {"content-type": "application/json"});
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/** A body refused before it is read as a rule: 413 too large. */
class BodyError extends Error {
  constructor(
    readonly status: 413,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of a request that changes rules (its content-type was checked by the access policy), at most `maxBodyBytes`. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const tooLarge = () => new BodyError(413, `request body too large (limit ${maxBodyBytes} bytes)`);
  if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if ((bytes += chunk.length) > maxBodyBytes) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RuleError("body", "request body is not valid JSON");
  }
}

/** Handles /alerts/… requests (503 when the recorder runs without alerts); false for any other path. */
export async function handleAlerts(engine: AlertEngine | undefined, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = /^\/alerts\/(rules|events)(?:\/([A-Za-z0-9_-]+))?$/.exec(url.pathname);
  if (!match) return false;
  if (!engine) return (send(res, 503, {error: "alerts are disabled on this recorder (started with --no-alerts)"}), true);
  const [, resource, id] = match;
  try {
    if (resource === "events" && !id && req.method === "GET") {
      const q = url.searchParams;
      const since = q.get("since"),
        limit = q.get("limit");
      send(res, 200, {
        events: engine.events({
          rule: q.get("rule") ?? undefined,
          severity: q.get("severity") ?? undefined,
          since: since ? Number(since) : undefined,
          limit: limit ? Number(limit) : undefined,
        }),
      });
    } else if (resource === "rules" && !id && req.method === "GET")
      send(res, 200, {rules: engine.list().map((rule): ListedRule => ({...rule, state: engine.stateOf(rule.id)}))});
    else if (resource === "rules" && !id && req.method === "POST") send(res, 201, {rule: await engine.create(await readJson(req))});
    else if (resource === "rules" && id && req.method === "PATCH") {
      const rule = await engine.update(id, await readJson(req));
      if (rule) send(res, 200, {rule});
      else send(res, 404, {error: `no rule ${id}`});
    } else if (resource === "rules" && id && req.method === "DELETE") {
      if (await engine.remove(id)) send(res, 204);
      else send(res, 404, {error: `no rule ${id}`});
    } else send(res, 405, {error: `${req.method} is not supported on ${url.pathname}`});
  } catch (error) {
    if (error instanceof BodyError) {
      res.setHeader("connection", "close"); // the rest of an unread body is not worth reading
      send(res, error.status, {error: error.message});
    } else if (error instanceof RuleError) send(res, 400, {error: error.message, field: error.field});
    else send(res, 500, {error: (error as Error).message});
  }
  return true;
}
