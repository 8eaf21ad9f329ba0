// Runs the real `pairbook` executable (cli/pairbook.js) as a child process, for tests of exit codes and messages.
import {spawn} from "node:child_process";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node cli/pairbook.js ...args` to its end (killed after `timeoutMs`); resolves with its exit code and output. */
export function pairbook(
  args: string[],
  {timeoutMs = 60_000, env = {}}: {timeoutMs?: number; env?: Record<string, string>} = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["cli/pairbook.js", ...args], {stdio: ["ignore", "pipe", "pipe"], env: {...process.env, ...env}});
    let stdout = "",
      stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({code, stdout, stderr});
    });
  });
}
