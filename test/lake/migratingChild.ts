// A process that migrates a lake (lake/migrate.ts) under the writer's lock, printing each step
// ("<n> copied <path>", "<n> removed <path>", "<n> manifest"), and stops dead at step `<stop at>`
// (printing "stopped <n>") so the test can kill -9 it there; `0` stops nowhere.
// Run with `node --import tsx test/lake/migratingChild.ts <lake> <stop at>`.
import {acquireLakeLock} from "../../lake/lock.js";
import {migrateLake} from "../../lake/migrate.js";

const [lake, stopAt] = process.argv.slice(2);
await acquireLakeLock(lake, {command: "migration test"});
process.stdout.write("started\n");
let n = 0;
await migrateLake(lake, {
  onStep: async (step) => {
    n++;
    process.stdout.write(`${n} ${step.kind}${"path" in step ? ` ${step.path}` : ""}\n`);
    if (n === Number(stopAt)) {
      process.stdout.write(`stopped ${n}\n`);
      setInterval(() => {}, 1000); // stay alive until killed
      await new Promise(() => {});
    }
  },
});
process.stdout.write("done\n");
process.exit(0);
