// A process that prints "ready", tries to take a lake's lock once `<go>` exists (so that many try at the
// same instant), prints "won <generation>" or "refused <message>", then holds the lock until its stdin closes.
// Run with `node --import tsx test/lake/lockContender.ts <lake> <go file>`.
import {existsSync} from "node:fs";
import {acquireLakeLock, LakeLockedError} from "../../lake/lock.js";

const [lake, go] = process.argv.slice(2);
process.stdout.write("ready\n");
while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 2));
try {
  const lock = await acquireLakeLock(lake, {command: "contender"});
  process.stdout.write(`won ${lock.generation}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void lock.release().then(() => process.exit(0)));
} catch (error) {
  process.stdout.write(`${error instanceof LakeLockedError ? "refused" : "failed"} ${(error as Error).message}\n`);
  process.exit(0);
}
