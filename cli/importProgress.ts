// The progress display of \`pairbook import\` on stderr.
import type {ImportEvent} from "../lake/import/index.js";

/**
 * Progress on stderr: one overall bar for all files (files done, rows, rate, ETA from the files done so
 * far) rewritten on a terminal; one line per finished file otherwise.
 */
export class Progress {
  private rows = 0;
  private done = 0;
  /** Files skipped as already imported: done, but left out of the ETA (they take no time). */
  private skipped = 0;
  private total = 0;
  private readonly stages = new Map<string, string>();
  private readonly started = performance.now();
  private shown = false;
  constructor(private readonly out: NodeJS.WriteStream) {}

  event(e: ImportEvent): void {
    if (e.type === "missing") {
      this.done += 1;
      return this.line(`${e.name}: not on the server (HTTP 404), skipped`);
    }
    if (e.type === "retry") return this.line(`${e.url}: ${e.reason}, retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`);
    this.total = e.total;
    if (e.type === "file") {
      this.stages.set(e.name, e.stage);
      return this.status();
    }
    this.stages.delete(e.name);
    this.done += 1;
    if (e.type === "skipped") {
      this.skipped += 1;
      this.line(`[${this.done}/${e.total} files] ${e.name}: already imported (checksum unchanged), skipped`);
      return this.status();
    }
    this.rows += e.counts.rows;
    const {rows, added, duplicates, invalid} = e.counts;
    this.line(
      `[${this.done}/${e.total} files] ${e.name}: ${rows} rows (${e.timeUnit === "us" ? "µs" : "ms"} times${e.header ? ", header" : ""}), ` +
        `${added} added, ${duplicates} duplicates, ${invalid} invalid — ${this.rows} rows so far, ${Math.round(this.rate())} rows/s`,
    );
    this.status();
  }

  clear(): void {
    if (this.shown && this.out.isTTY) this.out.write("\r\x1b[K");
    this.shown = false;
  }

  private rate(): number {
    return this.rows / Math.max(1e-3, (performance.now() - this.started) / 1000);
  }

  private status(): void {
    if (!this.out.isTTY || this.total === 0) return;
    const width = 24,
      filled = Math.round((width * this.done) / this.total);
    const elapsed = (performance.now() - this.started) / 1000;
    const worked = this.done - this.skipped;
    const eta = worked === 0 ? "…" : duration((elapsed / worked) * (this.total - this.done));
    const working = [...this.stages].map(([name, stage]) => `${name.replace(/\.zip$/, "")} ${stage}`).join(", ");
    const text =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} files, ${this.rows} rows, ` +
      `${Math.round(this.rate())} rows/s, ETA ${eta}${working ? ` — ${working}` : ""}`;
    this.out.write(`\r\x1b[K${text.slice(0, Math.max(20, (this.out.columns ?? 120) - 1))}`);
    this.shown = true;
  }

  private line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
