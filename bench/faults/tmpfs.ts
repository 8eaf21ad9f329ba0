// A small tmpfs to put a lake on, so a fault scenario can fill it for real (ENOSPC). Needs root
// (mount); `mountTmpfs` says why not instead of throwing, so callers can skip with that reason.
import {execFile} from "node:child_process";
import {closeSync, openSync, writeSync} from "node:fs";
import {mkdtemp, rm, rmdir, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";

const run = promisify(execFile);

export interface Tmpfs {
  readonly dir: string;
  /** Fills the file system with a ballast file until ENOSPC, leaving `leaveBytes` free; returns the ballast's size. */
  fill(leaveBytes?: number): Promise<number>;
  /** Deletes the ballast: the space is back. */
  unfill(): Promise<void>;
  /** Unmounts (lazily if still busy) and removes the mount point. Idempotent. */
  unmount(): Promise<void>;
}

/** Mounts a tmpfs of `bytes` on a new temp folder, or returns why it cannot (not root, no mount(8)). */
export async function mountTmpfs(bytes: number): Promise<Tmpfs | string> {
  if (process.getuid?.() !== 0) return "needs root to mount a tmpfs";
  const dir = await mkdtemp(join(tmpdir(), "pairbook-tmpfs-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
  } catch (error) {
    await rmdir(dir).catch(() => {});
    return `mount -t tmpfs failed: ${(error as Error).message.split("\n")[0]}`;
  }
  const ballast = join(dir, ".ballast"),
    spare = join(dir, ".ballast-spare");
  let mounted = true;
  return {
    dir,
    async fill(leaveBytes = 0) {
      if (leaveBytes > 0) await writeFile(spare, Buffer.alloc(leaveBytes));
      const fd = openSync(ballast, "a");
      let total = 0;
      try {
        for (const chunk of [Buffer.alloc(1 << 20), Buffer.alloc(4096), Buffer.alloc(512)]) {
          for (;;) {
            try {
              total += writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      await rm(spare, {force: true});
      return total;
    },
    async unfill() {
      await rm(ballast, {force: true});
    },
    async unmount() {
      if (!mounted) return;
      mounted = false;
      await run("umount", [dir]).catch(() => run("umount", ["-l", dir]));
      await rmdir(dir).catch(() => {});
    },
  };
}
