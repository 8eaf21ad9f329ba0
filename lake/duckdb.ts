import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";

export {quotedString} from "@duckdb/node-api";

/**
 * Makes the session's time zone UTC: lake timestamps are TIMESTAMPTZ (lake format 2), and DuckDB
 * formats them (strftime) and compares them with plain TIMESTAMPs in the session's zone, which is
 * the machine's by default.
 */
export async function utcSession(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET TimeZone = 'UTC'");
}

/** Opens an in-memory DuckDB, runs `fn` with a connection, and always closes both. */
export async function withDuckDB<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:", {threads: "2"});
  const connection = await instance.connect();
  try {
    await utcSession(connection);
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
