// Alert events pushed by the recorder to every client of its live feed ({"type":"alert","event":…}),
// with the same capped exponential backoff as the bars' feed (liveFeed.ts). No subscription needed.
import type {AlertEvent} from "./alertsApi.js";

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

/** Listens for alert events until the returned function is called. */
export function connectAlertFeed(options: AlertFeedOptions): () => void {
  const {url, onEvent, onStatus = () => {}, initialBackoffMs = 1000, maxBackoffMs = 30_000, socket: open = (u) => new WebSocket(u)} = options;
  let socket: WebSocket | undefined, timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0, stopped = false;

  const connect = () => {
    onStatus({state: failures === 0 ? "connecting" : "reconnecting", detail: `Connecting to ${url}…`});
    let opened = false;
    socket = open(url);
    socket.onopen = () => {
      opened = true;
      failures = 0;
      onStatus({state: "live", detail: `Live from the recorder at ${url}`});
    };
    socket.onmessage = (message) => {
      let data: {type?: unknown; event?: AlertEvent};
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (data.type === "alert" && data.event) onEvent(data.event);
    };
    socket.onclose = () => {
      if (stopped) return;
      failures++;
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
      onStatus({state: "reconnecting", detail: `${opened ? "The recorder went away" : "No recorder at " + url}; retrying in ${Math.round(delay / 1000)} s`});
      timer = setTimeout(connect, delay);
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}
