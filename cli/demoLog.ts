// What `pairbook demo` / `pairbook start` show in the terminal, and where the rest goes: every line of
// every child, with its time, into `<lake>/logs/<command>-<time>.log`; on the terminal only the URLs,
// the recorder's and simulator's one-line progress, and warnings and errors. Framework's preview logs
// each request and dumps each page update it sends (hundreds of lines a minute with a page open).
import {createWriteStream, mkdirSync, type WriteStream} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {logsDir} from "../lake/layout.js";

export type Stream = "stdout" | "stderr";

/** Whether a child's line (colours removed) goes to the terminal as well as to the log. */
export type TerminalFilter = (line: string, stream: Stream) => boolean;

// eslint-disable-next-line no-control-regex -- SGR colour codes: Framework colours its output even with FORCE_COLOR=0
const colours = /\x1b\[[0-9;]*m/g;

/** `line` without terminal colour codes. */
export function plain(line: string): string {
  return line.replace(colours, "");
}

/**
 * The preview's lines worth showing: Framework's banner and URL, failed data loaders, warnings and
 * errors (everything on stderr, stack traces included). Dropped: request lines (`GET /_import/…`), socket open/close, the
 * messages sent to and from open pages (`↓ {type: 'update', code: …}`, dumped over many lines), loaders
 * that succeeded, blank lines. Stateful (a dump spans lines): one filter per child.
 */
export function previewFilter(): TerminalFilter {
  let inDump = false;
  return (line, stream) => {
    if (stream === "stderr") return !/^\s*$/.test(line); // Framework's errors and the data loaders' own output
    if (inDump) {
      // util.inspect indents everything inside the object and closes it with "}" at column 0.
      if (line === "}") return (inDump = false);
      if (/^\s/.test(line)) return false;
      inDump = false; // something else interleaved: show it as usual
    }
    if (/^[↑↓] /.test(line)) {
      inDump = !line.endsWith("}");
      return false;
    }
    if (/^\s*$/.test(line)) return false;
    if (/^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) \//.test(line)) return false;
    if (/^socket (open|close)\b/.test(line)) return false;
    if (/^load \S.* → success\b/.test(line) && !/\berror\b/.test(line)) return false;
    // The first run's bundling of each npm import ("d3 → src/.observablehq/cache/_node/d3@7.9.2/index.js"): ~40 lines.
    if (/^\S+ → src\/\.observablehq\/cache\/_node\//.test(line)) return false;
    return true;
  };
}

/** The recorder and the simulator print one line per event or per 10 s of progress: all shown. */
export const showAll: TerminalFilter = () => true;

export interface DemoLog {
  /** The log file's path. */
  readonly path: string;
  /** Appends `[name] line` with the time to the log. */
  write(name: string, line: string): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens `<lake>/logs/<command>-<time>.log` (next to the trades it recorded, outside the checkout),
 * or the same name in the system's temp folder if the lake's cannot be created.
 */
export function openDemoLog(lake: string, command: string, now = new Date()): DemoLog {
  const name = `${command}-${now
    .toISOString()
    .replace(/:/g, "-")
    .replace(/\.\d+Z$/, "Z")}.log`;
  let path = "",
    stream: WriteStream | undefined;
  for (const dir of [logsDir(lake), join(tmpdir(), "pairbook-logs")]) {
    try {
      mkdirSync(dir, {recursive: true});
      path = join(dir, name);
      stream = createWriteStream(path, {flags: "a"});
      break;
    } catch {
      // next place
    }
  }
  let failed = false;
  stream?.on("error", () => (failed = true)); // a log that cannot be written must not stop the demo
  return {
    path,
    write(child, line) {
      if (stream && !failed) stream.write(`${new Date().toISOString()} [${child}] ${plain(line)}\n`);
    },
    close: () => new Promise((resolve) => (stream && !failed ? stream.end(resolve) : resolve())),
  };
}
