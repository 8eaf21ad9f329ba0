// Site-wide alert toasts: loaded on every page by observablehq.config.ts (`head`), it listens to the
// recorder's live feed for alert events and shows a toast for each. It follows the pages' switches
// (liveSettings: ?static for the rest of the tab's visit, ?live=URL) and the build's PAIRBOOK_LIVE_URL,
// passed in <meta name="pairbook-live-url">; in static mode it opens no connection at all.
import {connectAlertFeed} from "../../client/alertsFeed.js";
import {showAlertToast} from "./toasts.js";
import {liveSettings} from "../../client/pageFeed.js";

const configured = document.querySelector<HTMLMetaElement>('meta[name="pairbook-live-url"]')?.content ?? "ws://127.0.0.1:8787";
const settings = liveSettings(location.search, configured);
if (settings.enabled) connectAlertFeed({url: settings.url, onEvent: (event) => void showAlertToast(event), maxBackoffMs: 60_000});
