// Graceful shutdown for long-running commands: SIGINT/SIGTERM (and, for children of `pairbook demo`,
// the parent going away) run `stop` once; a second signal or a stop slower than `graceMs` forces exit.
export function onShutdown(stop: (reason: string) => Promise<void>, {graceMs = 5000} = {}): void {
  let stopping = false;
  const run = (reason: string) => {
    if (stopping) {
      process.stderr.write(`${reason} again: exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${graceMs / 1000} s: exiting\n`);
      process.exit(1);
    }, graceMs).unref();
    stop(reason).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => run("SIGINT"));
  process.on("SIGTERM", () => run("SIGTERM"));
  // `pairbook demo` starts children in their own process group and closes their stdin pipe when it dies,
  // so a killed demo never leaves a recorder or simulator behind.
  if (process.env.PAIRBOOK_EXIT_WITH_PARENT === "1") {
    process.stdin.on("end", () => run("parent exited"));
    process.stdin.on("error", () => run("parent exited"));
    process.stdin.resume();
  }
}
