// The CSV both `pairbook analyze` and the Data page read. Expected values are written by hand from the
// input text (2024-01-01T00:00:00Z is 1,704,067,200,000 ms since the epoch).
import {describe, expect, it} from "vitest";
import {CsvError, numericColumn, parseNumericCsv, readCsv, toCsv} from "../../src/protocol/csv.js";

const jan1 = 1_704_067_200_000;

describe("readCsv", () => {
  it("readCsv(text) keeps commas, doubled quotes and line breaks inside quoted cells, and counts file lines", () => {
    const t = readCsv('name,"a, quoted"\n"say ""hi""",1\n"two\nlines",2\n3,4\n');
    expect(t.header).toEqual(["name", "a, quoted"]);
    expect(t.rows).toEqual([
      ['say "hi"', "1"],
      ["two\nlines", "2"],
      ["3", "4"],
    ]);
    expect(t.lines).toEqual([2, 3, 5]); // the quoted line break makes row "3,4" start on line 5
  });

  it("readCsv(text) reads CRLF line ends, skips a byte-order mark and blank lines, trims cells", () => {
    const t = readCsv("\uFEFFtime, x \r\n\r\n1, 2.5\r\n  \r\n2,3\r\n");
    expect(t.header).toEqual(["time", "x"]);
    expect(t.rows).toEqual([
      ["1", "2.5"],
      ["2", "3"],
    ]);
    expect(t.lines).toEqual([3, 5]);
  });

  it("readCsv(text) unquotes a quoted cell with spaces around its quotes, as the old readers did", () => {
    expect(readCsv('a, "b"\n1, "2"\n').header).toEqual(["a", "b"]);
  });

  it("readCsv(text) throws CsvError for an empty file and for a row with the wrong cell count", () => {
    expect(() => readCsv("\n \r\n")).toThrow(new CsvError("empty file"));
    expect(() => readCsv("a,b\n1,2\n1,2,3\n")).toThrow(new CsvError("row 3 has 3 cells, the header has 2"));
    // A comma inside quotes is not a separator: this row has 2 cells.
    expect(readCsv('a,b\n"1,5",2\n').rows).toEqual([["1,5", "2"]]);
  });
});

describe("numericColumn", () => {
  it("numericColumn(table, name) reads numbers, also quoted ones", () => {
    const t = readCsv('x,y\n"1.5",-2\n1e3,"0"\n');
    expect(Array.from(numericColumn(t, "x"))).toEqual([1.5, 1000]);
    expect(Array.from(numericColumn(t, "y"))).toEqual([-2, 0]);
  });

  it("numericColumn(table, 'time') reads ISO dates as UTC ms unless they name an offset", () => {
    const t = readCsv("time\n2024-01-01\n2024-01-01T00:00:01.5\n2024-01-01 01:30:00+01:00\n2024-01-01T00:02Z\n1704067200000\n");
    expect(Array.from(numericColumn(t, "time"))).toEqual([jan1, jan1 + 1500, jan1 + 30 * 60_000, jan1 + 120_000, jan1]);
  });

  it("numericColumn(table, name, {time: true}) reads ISO dates in a column of any name; others refuse them", () => {
    const t = readCsv("ts,price\n2024-01-01T00:00:00Z,2024-01-01\n");
    expect(Array.from(numericColumn(t, "ts", {time: true}))).toEqual([jan1]);
    expect(() => numericColumn(t, "price")).toThrow(new CsvError('non-numeric value "2024-01-01" in column "price" at row 2'));
  });

  it("numericColumn(table, name) throws CsvError naming an empty or bad cell with its file line, or a missing column", () => {
    const t = readCsv('time,x\r\n1,2\r\n\r\n2,"3,5"\r\n3,\r\n');
    expect(() => numericColumn(t, "x")).toThrow(new CsvError('non-numeric value "3,5" in column "x" at row 4'));
    const empty = readCsv("time,x\n1,2\n2,\n");
    expect(() => numericColumn(empty, "x")).toThrow(new CsvError('non-numeric value "" in column "x" at row 3'));
    expect(() => numericColumn(empty, "y")).toThrow(new CsvError('no column "y" (columns: time, x)'));
    expect(() => numericColumn(readCsv("date\nMarch 7\n"), "date")).toThrow(/non-numeric value "March 7" in column "date" at row 2/);
  });
});

describe("parseNumericCsv and toCsv", () => {
  it("parseNumericCsv(text) returns every column as numbers, ISO dates in the time column", () => {
    const t = parseNumericCsv('\uFEFF"time","a,close","b"\r\n2024-01-01T00:00:00Z,"10",20\r\n2024-01-01T00:01:00Z,11,21\r\n');
    expect(t.header).toEqual(["time", "a,close", "b"]);
    expect(t.columns.map((c) => Array.from(c))).toEqual([
      [jan1, jan1 + 60_000],
      [10, 11],
      [20, 21],
    ]);
  });

  it("parseNumericCsv(text) refuses a header without rows", () => {
    expect(() => parseNumericCsv("a,b\n")).toThrow(new CsvError("the CSV needs a header row and at least one data row"));
  });

  it("toCsv(columns) quotes a name with a comma, writes NaN as an empty cell, and reads back", () => {
    const text = toCsv({time: [1, 2], "a,b": [0.1, NaN]});
    expect(text).toBe('time,"a,b"\n1,0.1\n2,\n');
    expect(readCsv(text).rows).toEqual([
      ["1", "0.1"],
      ["2", ""],
    ]);
  });
});
