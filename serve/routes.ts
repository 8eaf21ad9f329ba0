// The API's route table: every route's path, parameters and handler in one list. The server routes and
// validates with it, and the OpenAPI document is generated from it.
import {barsRoute} from "./bars.js";
import {correlationRoute} from "./correlation.js";
import {openApiDocument} from "./openapi.js";
import {liveChannelDocument} from "./liveParams.js";
import {jsonReply} from "./reply.js";
import {reportRoute} from "./report.js";
import type {Route} from "./route.js";
import {symbolsRoute} from "./symbols.js";
import {adfRoute, cointRoute, johansenRoute} from "./tests.js";

/** The version the OpenAPI document states (the API's path carries its major version, v1). */
export const apiVersion = "1.0.0";

const openApiRoute: Route = {
  path: "/api/v1/openapi.json",
  summary: "This API's OpenAPI 3.1 description",
  params: [],
  produces: ["application/json"],
  cache: false,
  handle: () => Promise.resolve(jsonReply(openApiDocument(routes, apiVersion, {"x-websockets": liveChannelDocument()}))),
};

/** Every route of the API, in the order the OpenAPI document lists them. */
export const routes: readonly Route[] = [
  symbolsRoute,
  barsRoute,
  reportRoute,
  adfRoute,
  cointRoute,
  johansenRoute,
  correlationRoute,
  openApiRoute,
];
