// Runs import steps on N connections of one DuckDB instance: each step's first half (download, checksum,
// unzip, parse: nothing touches the lake) runs in parallel, its second half (dedupe against the lake and
// publish) one step at a time in input order, so N jobs leave the same lake as one and a bad file stops
// the import exactly where one job would have.
import {type DuckDBConnection, DuckDBInstance} from "@duckdb/node-api";
import {quotedString, utcSession} from "../duckdb.js";

export interface Step<P> {
  /** Work that does not touch the lake; runs while earlier steps publish. */
  prepare(connection: DuckDBConnection): Promise<P>;
  /** Runs after every earlier step published, on the connection `prepare` used. */
  publish(connection: DuckDBConnection, prepared: P): Promise<void>;
  /** Always called last (temp files). */
  cleanup(): Promise<void>;
}

export interface PoolOptions {
  /** Steps prepared at once (at least 1). */
  readonly jobs: number;
  /** Where DuckDB spills. */
  readonly tempDir: string;
  /** DuckDB's memory limit for the whole instance, all jobs together (e.g. "256MB"). */
  readonly memoryLimit: string;
}

/**
 * Runs `steps` as described above; resolves when all are published, or rejects with the error of the
 * first step (in input order) that failed, after the steps before it were published and none after it.
 */
export async function runInOrder<P>(steps: readonly Step<P>[], {jobs, tempDir, memoryLimit}: PoolOptions): Promise<void> {
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new RangeError(`invalid jobs: ${jobs} (expected an integer ≥ 1)`);
  const instance = await DuckDBInstance.create(":memory:", {threads: "2"});
  const connections: DuckDBConnection[] = [];
  try {
    for (let w = 0; w < Math.min(jobs, steps.length); ++w) {
      const connection = await instance.connect();
      connections.push(connection);
      await utcSession(connection);
    }
    if (connections.length === 0) return;
    // Spill next to the extracted CSVs; rows need no insertion order (each COPY sorts by id). The limit is
    // the instance's: memory does not grow with the file nor with the number of jobs.
    await connections[0].run(
      `SET temp_directory = ${quotedString(tempDir)}; SET preserve_insertion_order = false; SET memory_limit = ${quotedString(memoryLimit)}`,
    );
    const turns = steps.map(() => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      return {promise, resolve};
    });
    let next = 0,
      failure: {error: unknown} | undefined;
    const worker = async (connection: DuckDBConnection) => {
      while (next < steps.length && !failure) {
        const i = next++,
          step = steps[i];
        try {
          let prepared: {value: P} | {error: unknown};
          try {
            prepared = {value: await step.prepare(connection)};
          } catch (error) {
            prepared = {error};
          }
          if (i > 0) await turns[i - 1].promise;
          if (failure) continue;
          if ("error" in prepared) failure = prepared;
          else await step.publish(connection, prepared.value);
        } catch (error) {
          failure ??= {error};
        } finally {
          await step.cleanup();
          turns[i].resolve();
        }
      }
    };
    await Promise.all(connections.map(worker));
    if (failure) throw failure.error;
  } finally {
    for (const connection of connections) connection.closeSync();
    instance.closeSync();
  }
}
