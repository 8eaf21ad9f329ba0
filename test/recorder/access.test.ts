// The local API is local: Host, Origin and token against a real LiveHub (and a real recorder for the
// alerts API) over loopback, with real HTTP requests and ws clients setting the headers a browser or
// an attacker's page would.
import {spawn} from "node:child_process";
import {request as httpRequest, type IncomingHttpHeaders} from "node:http";
import {mkdtemp, rm} from "node:fs/promises";
import {connect as netConnect, createServer} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, afterEach, beforeAll, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {AccessPolicy} from "../../recorder/access.js";
import {LiveHub} from "../../recorder/liveHub.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";

let hub: LiveHub | undefined;
afterEach(async () => void (await hub?.close(), (hub = undefined)));

const token = "0123456789abcdef0123456789abcdef";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: {error?: string; [key: string]: unknown} | null;
}

/** One HTTP request with exactly these headers (Host included: node lets us set it, a browser would not). */
function request(
  port: number,
  {
    method = "GET",
    path = "/health",
    headers = {},
    body,
  }: {method?: string; path?: string; headers?: Record<string, string>; body?: string} = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({host: "127.0.0.1", port, method, path, headers: {host: `127.0.0.1:${port}`, ...headers}}, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null}));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A WebSocket upgrade with these headers: "open" with the hub's hello, or the HTTP answer that refused it. */
function upgrade(
  port: number,
  {headers = {}, path = "/", origin}: {headers?: Record<string, string>; path?: string; origin?: string} = {},
): Promise<{open: true; hello: unknown} | {open: false; status: number; body: {error: string}}> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, {headers, origin});
    socket.once("message", (data) => (resolve({open: true, hello: JSON.parse(data.toString())}), socket.close()));
    socket.once("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({open: false, status: res.statusCode!, body: JSON.parse(text)}));
    });
    socket.once("error", (error) => !error.message.startsWith("Unexpected server response") && reject(error));
  });
}

const start = async (access: {allowOrigins?: string[]; token?: string} = {}) =>
  (hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["BTCUSDT"], health: () => ({lake: "/secret/lake"}), access}));

describe("LiveHub access over HTTP", () => {
  it("serves requests without Origin (curl, scripts) and pages on this machine, echoing their Origin", async () => {
    const {port} = await start();
    const plain = await request(port);
    expect(plain.status).toBe(200);
    expect(plain.body?.lake).toBe("/secret/lake");
    expect(plain.headers["access-control-allow-origin"]).toBeUndefined();
    expect(plain.headers.vary).toBe("origin");
    for (const origin of ["http://localhost:3000", "http://127.0.0.1:49152", "http://[::1]:3000", "http://localhost"]) {
      const answer = await request(port, {headers: {origin}});
      expect(answer.status).toBe(200);
      expect(answer.headers["access-control-allow-origin"]).toBe(origin);
      expect(answer.headers.vary).toBe("origin");
    }
    for (const host of [`localhost:${port}`, `[::1]:${port}`, "127.0.0.1"])
      expect((await request(port, {headers: {host}})).status).toBe(200);
  });

  it("refuses a foreign Origin and a DNS-rebinding Host with 403 and a JSON error, without CORS headers", async () => {
    const {port} = await start();
    for (const headers of <Record<string, string>[]>[
      {origin: "https://evil.example"},
      {origin: "null"},
      {origin: "https://localhost:3000"},
      {origin: "http://localhost.evil.example"},
      {host: "evil.example:8787"},
      {host: "evil.example:8787", origin: "http://evil.example:8787"},
      {host: "127.0.0.1@evil.example"},
    ]) {
      const answer = await request(port, {headers});
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body?.error).toMatch(headers.host ? /^host .* does not name this recorder/ : /^origin .* is not allowed/);
      expect(answer.body?.lake).toBeUndefined();
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
    expect(
      (
        await request(port, {
          path: "/alerts/rules",
          method: "POST",
          headers: {origin: "https://evil.example", "content-type": "text/plain"},
          body: "{}",
        })
      ).status,
    ).toBe(403);
  });

  it("refuses a body that is not application/json on any route (415): a text/plain POST needs no preflight", async () => {
    const {port} = await start();
    for (const [method, type] of [
      ["POST", "text/plain"],
      ["PATCH", "application/x-www-form-urlencoded"],
      ["PUT", "multipart/form-data; boundary=x"],
      ["POST", undefined],
    ] as const) {
      const answer = await request(port, {
        method,
        path: "/anything",
        headers: {origin: "http://localhost:3000", ...(type && {"content-type": type})},
        body: "{}",
      });
      expect(answer.status, `${method} ${type}`).toBe(415);
      expect(answer.body?.error).toMatch(/^send JSON with content-type: application\/json/);
    }
    expect(
      (await request(port, {method: "POST", path: "/anything", headers: {"content-type": "Application/JSON; charset=utf-8"}, body: "{}"}))
        .status,
    ).toBe(404);
  });

  it("refuses a request without Host (HTTP/1.0) and survives a URL that is not a path", async () => {
    const {port} = await start();
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = netConnect(port, "127.0.0.1", () => socket.end(text));
        let answer = "";
        socket.on("data", (chunk) => (answer += chunk.toString()));
        socket.on("close", () => resolve(answer));
      });
    expect(await raw("GET /health HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 403 /);
    expect(await raw(`GET // HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 400 [^]*malformed request URL/,
    );
    expect((await request(port)).status).toBe(200); // still serving
  });

  it("answers a CORS preflight from an allowed origin (PATCH, DELETE, JSON) and refuses one from a foreign origin", async () => {
    const {port} = await start({token});
    const preflight = {"access-control-request-method": "PATCH", "access-control-request-headers": "content-type"};
    const allowed = await request(port, {
      method: "OPTIONS",
      path: "/alerts/rules/rule-1",
      headers: {origin: "http://localhost:3000", ...preflight},
    });
    expect(allowed.status).toBe(204); // no token on a preflight: browsers never send one there
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(allowed.headers["access-control-allow-methods"]).toMatch(/PATCH/);
    expect(allowed.headers["access-control-allow-methods"]).toMatch(/DELETE/);
    expect(allowed.headers["access-control-allow-headers"]).toMatch(/content-type/);
    expect(allowed.headers["access-control-allow-headers"]).toMatch(/authorization/);
    const foreign = await request(port, {
      method: "OPTIONS",
      path: "/alerts/rules/rule-1",
      headers: {origin: "https://evil.example", ...preflight},
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("allows an --allow-origin exactly (scheme, host and port), and nothing like it", async () => {
    const {port} = await start({allowOrigins: ["https://Notebook.example.com:443/"]});
    expect((await request(port, {headers: {origin: "https://notebook.example.com"}})).headers["access-control-allow-origin"]).toBe(
      "https://notebook.example.com",
    );
    for (const origin of ["http://notebook.example.com", "https://notebook.example.com:8443", "https://evil.notebook.example.com"])
      expect((await request(port, {headers: {origin}})).status).toBe(403);
  });

  it("with a token, refuses requests without it or with a wrong one (401) and serves Bearer or ?token=", async () => {
    const {port} = await start({token});
    expect((await request(port)).status).toBe(401);
    expect((await request(port)).body?.error).toMatch(/requires its token/);
    expect((await request(port, {headers: {authorization: "Bearer wrong"}})).status).toBe(401);
    expect((await request(port, {headers: {authorization: `Bearer ${token}x`}})).status).toBe(401);
    expect((await request(port, {path: "/health?token=wrong"})).status).toBe(401);
    expect((await request(port, {headers: {authorization: `Bearer ${token}`}})).status).toBe(200);
    expect((await request(port, {path: `/health?token=${token}`, headers: {origin: "http://localhost:3000"}})).status).toBe(200);
    expect((await request(port, {headers: {authorization: `Bearer ${token}`, origin: "https://evil.example"}})).status).toBe(403); // the token does not replace the Origin check
    expect((await request(port, {headers: {authorization: `Bearer ${token}`, host: "evil.example"}})).status).toBe(403);
  });
});

describe("LiveHub access over WebSocket", () => {
  it("upgrades pages on this machine and scripts, and refuses foreign Origin or Host with 403 before the upgrade", async () => {
    const {port} = await start();
    expect(await upgrade(port)).toEqual({open: true, hello: {type: "hello", symbols: ["BTCUSDT"]}});
    expect((await upgrade(port, {origin: "http://localhost:3000"})).open).toBe(true);
    const foreign = await upgrade(port, {origin: "https://evil.example"});
    expect(foreign).toEqual({
      open: false,
      status: 403,
      body: {error: expect.stringMatching(/^origin "https:\/\/evil.example" is not allowed/)},
    });
    const rebound = await upgrade(port, {headers: {host: `evil.example:${port}`}, origin: `http://evil.example:${port}`});
    expect(rebound).toEqual({
      open: false,
      status: 403,
      body: {error: expect.stringMatching(/^host "evil.example:\d+" does not name this recorder/)},
    });
    expect(hub!.clientCount).toBe(0);
  });

  it("with a token, upgrades only with the right one (?token= or Bearer)", async () => {
    const {port} = await start({token});
    expect(await upgrade(port, {origin: "http://localhost:3000"})).toMatchObject({open: false, status: 401});
    expect(await upgrade(port, {path: "/?token=wrong"})).toMatchObject({open: false, status: 401});
    expect((await upgrade(port, {path: `/?token=${token}`, origin: "http://localhost:3000"})).open).toBe(true);
    expect((await upgrade(port, {headers: {authorization: `Bearer ${token}`}})).open).toBe(true);
  });
});

describe("AccessPolicy", () => {
  const url = new URL("http://x/health");
  it("bound to 0.0.0.0, accepts this machine's addresses and hostname in Host, and nothing else", () => {
    const policy = new AccessPolicy({host: "0.0.0.0", token, machineNames: ["192.168.1.5", "fe80::1", "box"]});
    const bearer = {authorization: `Bearer ${token}`};
    for (const host of ["192.168.1.5:8787", "[fe80::1]:8787", "box:8787", "localhost:8787"])
      expect(policy.check("GET", {host, ...bearer}, url).ok).toBe(true);
    for (const host of ["evil.example:8787", "192.168.1.6:8787", "box.evil.example"])
      expect(policy.check("GET", {host, ...bearer}, url)).toMatchObject({ok: false, status: 403});
  });

  it("refuses a short token and a malformed origin at construction", () => {
    expect(() => new AccessPolicy({host: "127.0.0.1", token: "short"})).toThrow(/at least 16 printable characters/);
    expect(() => new AccessPolicy({host: "127.0.0.1", allowOrigins: ["notebook.example.com"]})).toThrow(/invalid origin/);
    expect(() => new AccessPolicy({host: "127.0.0.1", allowOrigins: ["https://notebook.example.com/path"]})).toThrow(/invalid origin/);
  });
});

describe("the alerts API", () => {
  let simulator: Simulator, recorder: Recorder, dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pairbook-access-"));
    simulator = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"], rate: 20});
    recorder = await startRecorder({
      symbols: ["BTCUSDT", "ETHUSDT"],
      lake: join(dir, "lake"),
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 1000,
      alertsFile: join(dir, "alerts.json"),
      log: () => {},
    });
  });
  afterAll(async () => {
    await simulator?.close();
    await recorder?.stop();
    await rm(dir, {recursive: true, force: true});
  });
  const rule = JSON.stringify({target: "BTCUSDT", metric: "price", comparator: ">", threshold: 1, interval: "1s", window: 3});

  it("changes rules only from allowed pages, with JSON bodies (text/plain is a CSRF vector: 415)", async () => {
    const port = recorder.livePort;
    const rules = async () => ((await request(port, {path: "/alerts/rules"})).body as {rules: unknown[]}).rules.length;
    expect((await request(port, {method: "POST", path: "/alerts/rules", headers: {"content-type": "text/plain"}, body: rule})).status).toBe(
      415,
    );
    expect((await request(port, {method: "POST", path: "/alerts/rules", body: rule})).status).toBe(415);
    expect(
      (
        await request(port, {
          method: "POST",
          path: "/alerts/rules",
          headers: {origin: "https://evil.example", "content-type": "application/json"},
          body: rule,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(port, {
          method: "POST",
          path: "/alerts/rules",
          headers: {"content-type": "application/json"},
          body: JSON.stringify({pad: "x".repeat(70_000)}),
        })
      ).status,
    ).toBe(413);
    expect(await rules()).toBe(0);
    const created = await request(port, {
      method: "POST",
      path: "/alerts/rules",
      headers: {origin: "http://localhost:3000", "content-type": "application/json; charset=utf-8"},
      body: rule,
    });
    expect(created.status).toBe(201);
    expect(created.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    const id = (created.body as {rule: {id: string}}).rule.id;
    expect(
      (
        await request(port, {
          method: "PATCH",
          path: `/alerts/rules/${id}`,
          headers: {origin: "https://evil.example", "content-type": "application/json"},
          body: '{"paused":true}',
        })
      ).status,
    ).toBe(403);
    expect((await request(port, {method: "DELETE", path: `/alerts/rules/${id}`, headers: {host: "evil.example"}})).status).toBe(403);
    expect(await rules()).toBe(1);
    expect((await request(port, {method: "DELETE", path: `/alerts/rules/${id}`, headers: {origin: "http://127.0.0.1:3000"}})).status).toBe(
      204,
    );
    expect(await rules()).toBe(0);
  });
});

/** Runs `pairbook <command>` with these arguments until it exits: its code, stdout and stderr. */
function run(command: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["cli/pairbook.js", command, ...args], {stdio: ["ignore", "pipe", "pipe"]});
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({code, stdout, stderr}));
  });
}
const pairbook = async (args: string[]) => (({code, stderr}) => ({code, stderr}))(await run("record", args));

describe("pairbook status", () => {
  it("sends --token as a Bearer token, and says so when the recorder wants one", async () => {
    const {port} = await start({token});
    const without = await run("status", ["--port", String(port), "--json"]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/answered 401: this recorder requires its token.*\(pass its --token with --token\)\n$/);
    const withToken = await run("status", ["--port", String(port), "--json", "--token", token]);
    expect(withToken.code).toBe(0);
    expect(JSON.parse(withToken.stdout)).toMatchObject({lake: "/secret/lake", liveClients: 0});
  }, 30_000);
});

describe("pairbook record", () => {
  it("refuses a non-loopback --live-host without --token, a short token and a malformed origin (exit 2, one line)", async () => {
    const noToken = await pairbook(["--live-host", "0.0.0.0"]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/^pairbook record: --live-host 0\.0\.0\.0 is reachable from other machines: pass --token TOKEN/);
    expect(await pairbook(["--live-host", "192.168.1.5", "--token", "short"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^pairbook record: --token: invalid token/),
    });
    expect(await pairbook(["--allow-origin", "http://localhost:3000,notebook.example.com"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^pairbook record: --allow-origin: invalid origin: "notebook.example.com"/),
    });
  }, 30_000);

  it("exits 4 with one line when --live-port is busy", async () => {
    const simulator = await startSimulator({port: 0, symbols: ["BTCUSDT"], rate: 10});
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as {port: number}).port;
    const dir = await mkdtemp(join(tmpdir(), "pairbook-busy-"));
    try {
      const result = await pairbook([
        "--symbols",
        "BTCUSDT",
        "--lake",
        join(dir, "lake"),
        "--ws-url",
        simulator.wsUrl,
        "--rest-url",
        simulator.restUrl,
        "--live-port",
        String(port),
        "--no-alerts",
      ]);
      expect(result).toEqual({
        code: 4,
        stderr: `pairbook record: live feed port 127.0.0.1:${port} is already in use (another recorder running? use --live-port)\n`,
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await simulator.close();
      await rm(dir, {recursive: true, force: true});
    }
  }, 30_000);
});
