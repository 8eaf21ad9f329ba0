import {DuckDBInstance, type DuckDBConnection} from "@duckdb/node-api";

export {quotedString} from "@duckdb/node-api";

/** Opens an in-memory DuckDB, runs `fn` with a connection, and always closes both. */
export async function withDuckDB<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:", {threads: "2"});
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
