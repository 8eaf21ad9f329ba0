// Child processes for `pairbook demo` / `pairbook start`: each in its own process group (so a
// terminal's Ctrl-C reaches only the parent, which stops them in order), output handed on line by line
// (by default printed with a `[name] ` prefix), readiness awaited from a line it prints, and an exit that
// is always waited for.
import {type ChildProcess, spawn} from "node:child_process";
import {createInterface} from "node:readline";

export interface ChildOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Receives each line the child prints (default: printed as `[name] line`). */
  echo?: (line: string, stream: "stdout" | "stderr") => void;
}

export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number>;
  private readonly recent: string[] = [];
  private readonly waiters = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    {env = {}, echo = (line) => void process.stdout.write(`[${name}] ${line}\n`)}: ChildOptions = {},
  ) {
    this.process = spawn(command, args, {
      detached: true, // own process group: Ctrl-C in the terminal goes to the parent only
      stdio: ["pipe", "pipe", "pipe"], // the stdin pipe closes when the parent dies (PAIRBOOK_EXIT_WITH_PARENT)
      env: {...process.env, ...env, PAIRBOOK_EXIT_WITH_PARENT: "1", FORCE_COLOR: "0"},
    });
    for (const [stream, input] of [
      ["stdout", this.process.stdout!],
      ["stderr", this.process.stderr!],
    ] as const) {
      createInterface({input}).on("line", (line) => {
        this.recent.push(line);
        if (this.recent.length > 20) this.recent.shift();
        echo(line, stream);
        for (const waiter of this.waiters) waiter(line);
      });
    }
    this.exited = new Promise((resolve) => this.process.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 0))));
  }

  /** The last lines the child printed, for error messages. */
  get tail(): string {
    return this.recent.join("\n");
  }

  /** Resolves with the first line matching `pattern`; rejects if the child exits or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.name} did not become ready within ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      const waiter = (line: string) => {
        const match = pattern.exec(line);
        if (match) finish(() => resolve(match));
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        settle();
      };
      this.waiters.add(waiter);
      void this.exited.then((code) =>
        finish(() => reject(Object.assign(new Error(`${this.name} exited with code ${code}`), {exitCode: code}))),
      );
    });
  }

  /** Sends SIGTERM, waits up to `graceMs` for the exit, then kills the whole process group. */
  async stop(graceMs = 6000): Promise<number> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.exited;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the child's process group at once (synchronous: usable in an exit handler). */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.signal("SIGKILL");
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.process.pid!, signal); // the group: also reaches grandchildren (Framework's loaders)
    } catch {
      // already gone
    }
  }
}
