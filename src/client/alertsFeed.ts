// Alert events pushed by the recorder to every client of its live feed ({"type":"alert","event":…}),
// through the same client as the bars' feed (liveFeed.ts: capped exponential backoff), without subscribing.
import type {AlertEvent} from "../protocol/alerts.js";
import {connectLiveFeed} from "./liveFeed.js";

export interface AlertFeedStatus {
  state: "connecting" | "live" | "reconnecting";
  detail: string;
}

export interface AlertFeedOptions {
  url: string;
  onEvent: (event: AlertEvent) => void;
  onStatus?: (status: AlertFeedStatus) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Socket factory, for tests. */
  socket?: (url: string) => WebSocket;
}

/** Listens for alert events until the returned function is called (the live feed's client, no bars). */
export function connectAlertFeed(options: AlertFeedOptions): () => void {
  const {url, onEvent, onStatus = () => {}, initialBackoffMs, maxBackoffMs, socket} = options;
  return connectLiveFeed({
    url,
    symbols: [],
    interval: "1s",
    initialBackoffMs,
    maxBackoffMs,
    socket,
    onAlert: (event) => onEvent(event as AlertEvent),
    onStatus: (status) => onStatus(status as AlertFeedStatus),
  });
}
