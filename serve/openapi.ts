// GET /api/v1/openapi.json: the OpenAPI 3.1 description, generated from the route table that also
// validates every request (serve/routes.ts, serve/params.ts), so the two cannot differ.
import type {ParamSpec} from "./params.js";
import type {Route} from "./route.js";

/** A parameter's JSON Schema, as serve/params.ts parses it. */
export function schemaOf(spec: ParamSpec): Record<string, unknown> {
  const base: Record<string, unknown> = {type: "string"};
  switch (spec.kind) {
    case "symbol":
      Object.assign(base, {pattern: "^(?:usdm[:_])?[A-Za-z0-9]{2,30}$", examples: ["BTCUSDT", "usdm:BTCUSDT"]});
      break;
    case "symbols":
      Object.assign(base, {
        pattern: "^(?:usdm[:_])?[A-Za-z0-9]{2,30}(?:, *(?:usdm[:_])?[A-Za-z0-9]{2,30})*$",
        examples: ["BTCUSDT,ETHUSDT"],
      });
      if (spec.maxItems !== undefined) base["x-max-items"] = spec.maxItems;
      break;
    case "interval":
      base.enum = ["1s", "1m", "5m", "15m", "1h"];
      break;
    case "time":
      Object.assign(base, {examples: ["2026-01-02T03:04:05Z", "1767323045000"], description: "ISO-8601 UTC or epoch milliseconds"});
      break;
    case "duration":
      Object.assign(base, {pattern: "^\\d{1,12}(ms|s|m|h|d)?$", examples: ["90s", "6h", "2d"]});
      break;
    case "integer":
    case "number":
      return {
        type: spec.kind,
        ...(spec.min !== undefined && {minimum: spec.min}),
        ...(spec.max !== undefined && {maximum: spec.max}),
        ...(spec.default !== undefined && {default: Number(spec.default)}),
      };
    case "enum":
      base.enum = [...spec.values!];
      break;
  }
  if (spec.default !== undefined) base.default = spec.default;
  return base;
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {error: {type: "string"}, parameter: {type: "string", description: "the parameter at fault"}},
};

/** The OpenAPI 3.1 document of `routes`, with `extensions` (x-… fields, e.g. the WebSocket channel) at its top. */
export function openApiDocument(
  routes: readonly Route[],
  version: string,
  extensions: Record<string, unknown> = {},
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const route of routes) {
    const error = (description: string) => ({description, content: {"application/json": {schema: {$ref: "#/components/schemas/Error"}}}});
    paths[route.path] = {
      get: {
        summary: route.summary,
        operationId: route.path
          .replace(/^\/api\/v1\//, "")
          .replace(/[{}]/g, "")
          .replace(/[/.]+(\w)/g, (_, c: string) => c.toUpperCase()),
        parameters: route.params.map((spec) => ({
          name: spec.name,
          in: spec.in,
          required: spec.in === "path" || Boolean(spec.required),
          description: spec.description,
          schema: schemaOf(spec),
        })),
        responses: {
          200: {description: "OK", content: Object.fromEntries(route.produces.map((type) => [type.split(";")[0], {}]))},
          304: {description: "Not modified: the lake files behind the response are unchanged (If-None-Match)"},
          400: error("A bad parameter, named in `parameter`"),
          401: error("Missing or wrong token"),
          403: error("Host or Origin refused"),
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "pairbook serve",
      version,
      description: "Read-only API over pairbook's tick lake: bars, pair reports, tests, correlations.",
    },
    servers: [{url: "/"}],
    components: {
      schemas: {Error: errorSchema},
      securitySchemes: {
        token: {type: "http", scheme: "bearer", description: "Needed when serve runs with --token (also accepted as ?token=)"},
      },
    },
    paths,
    ...extensions,
  };
}
