// Shared pieces of the browser tests: a static HTTP server for dist/ and headless Chromium.
import {createReadStream, existsSync, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {extname, join, normalize} from "node:path";
import {type Browser, chromium, type ConsoleMessage, type Page} from "playwright-core";

const types: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".csv": "text/csv",
};

/**
 * Serves `root` like any static host, with Framework's clean URLs (/x → x.html, / → index.html);
 * `{rewrite: false}`: a plain one (only / → index.html), as `python3 -m http.server` serves a folder.
 */
export async function serveStatic(root: string, {rewrite = true} = {}): Promise<{url: string; close: () => Promise<void>}> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (path.endsWith("/")) file = join(file, "index.html");
    else if (rewrite && !existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {"content-type": types[extname(file)] ?? "application/octet-stream"});
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export const chromiumPath = process.env.PAIRBOOK_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or set PAIRBOOK_CHROMIUM)`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Console errors and uncaught page errors, collected for assertions. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message: ConsoleMessage) => void (message.type() === "error" && errors.push(message.text())));
  page.on("pageerror", (error) => void errors.push(error.message));
  return errors;
}

/** Moves an Inputs.range to `value` the way a user's drag does: sets it and fires `input`. */
export async function setRange(page: Page, label: string, value: number): Promise<void> {
  const input = page.locator("form", {hasText: label}).locator("input[type=range]");
  await input.evaluate((element, v) => {
    const range = element as HTMLInputElement;
    range.value = String(v);
    range.dispatchEvent(new Event("input", {bubbles: true}));
  }, value);
}
