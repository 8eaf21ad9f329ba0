// Webhook notifications: POST the event as JSON, retried with backoff; outcomes are recorded in the
// lake; never awaited by the recorder, so a slow or dead endpoint cannot hold recording up.
import {join} from "node:path";
import {alertsDir} from "../../lake/layout.js";
import type {AlertEvent, AlertRule} from "../../src/protocol/alerts.js";
import {appendLine} from "./store.js";

export interface WebhookOptions {
  url: string;
  lake: string;
  maxAttempts?: number;
  /** Delay before retry n (1-based), ms. */
  retryDelayMs?: (attempt: number) => number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export class Webhook {
  sent = 0;
  failed = 0;
  pending = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebhookOptions) {}

  /** Queues a delivery; resolves when it has succeeded or been given up (for tests and shutdown). */
  send(event: AlertEvent, rule: AlertRule): Promise<void> {
    this.pending++;
    const delivery = this.deliver(event, rule).finally(() => void this.pending--);
    this.chain = this.chain.then(() => delivery);
    return delivery;
  }

  /** Waits for queued deliveries. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async deliver(event: AlertEvent, rule: AlertRule): Promise<void> {
    const {
      url,
      lake,
      maxAttempts = 5,
      retryDelayMs = (n) => Math.min(30_000, 500 * 2 ** (n - 1)) * (0.5 + Math.random() / 2),
      timeoutMs = 5000,
      fetch: fetchImpl = fetch,
      log = () => {},
    } = this.options;
    const body = JSON.stringify({type: "pairbook.alert", event, rule});
    let lastError = "";
    for (let attempt = 1; attempt <= maxAttempts; ++attempt) {
      try {
        const response = await fetchImpl(url, {
          method: "POST",
          headers: {"content-type": "application/json"},
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          this.sent++;
          await appendLine(join(alertsDir(lake), "deliveries.jsonl"), {
            eventId: event.id,
            url,
            ok: true,
            attempts: attempt,
            status: response.status,
            at: Date.now(),
          });
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    }
    this.failed++;
    log(
      `alert webhook ${url} failed for ${event.id} after ${maxAttempts} attempts (${lastError}); recorded in ${join(alertsDir(lake), "deliveries.jsonl")}`,
    );
    await appendLine(join(alertsDir(lake), "deliveries.jsonl"), {
      eventId: event.id,
      url,
      ok: false,
      attempts: maxAttempts,
      error: lastError,
      at: Date.now(),
    });
  }
}
