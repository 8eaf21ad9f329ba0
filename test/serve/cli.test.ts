// `pairbook serve` as a user runs it: one-line errors for bad flags, and a start with just --lake and
// --port that prints the URL and answers.
import {spawn} from "node:child_process";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {pairbook} from "../cli/pairbook.js";

describe("pairbook serve", () => {
  it.each([
    [["--port", "http"], /invalid --port/],
    [["--colour"], /Unknown option '--colour'/],
    [["--host", "0.0.0.0"], /give --token/],
    [["--host", "0.0.0.0", "--token", "short"], /invalid token/],
    [["--live", "127.0.0.1:8787"], /--live: invalid live-feed URL/],
  ])("pairbook serve %j exits 2 with one line", async (args, message) => {
    const run = await pairbook(["serve", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toMatch(message);
  });

  it("exits 7 for a lake that is not there", async () => {
    const run = await pairbook(["serve", "--lake", "/nonexistent/pairbook-lake"]);
    expect([run.code, run.stderr]).toEqual([7, expect.stringMatching(/no such folder/)]);
  });

  it("starts with just --lake and --port, prints its URL on one line, and answers", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-serve-cli-"));
    const child = spawn(process.execPath, ["cli/pairbook.js", "serve", "--lake", lake, "--port", "0"], {stdio: ["ignore", "pipe", "pipe"]});
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          out += chunk;
          if (out.includes("\n")) resolve(out);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      const url = /^pairbook serve: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)![1];
      const response = await fetch(`${url}api/v1/symbols`);
      expect([response.status, await response.json()]).toEqual([200, {symbols: []}]);
    } finally {
      child.kill("SIGTERM");
      await rm(lake, {recursive: true, force: true});
    }
  }, 60_000);
});
