// Toast notifications for alert events, bottom right, one per event id even when several listeners on
// the page (the Alerts page and the site-wide toaster) receive the same event.
import type {AlertEvent} from "../../protocol/alerts.js";
import {useAlertsStyle} from "./style.js";
import {describeAlert, utcTime} from "./text.js";

const shown: Set<string> = ((globalThis as {__pairbookAlertToasts?: Set<string>}).__pairbookAlertToasts ??= new Set());

/** Shows a toast for `event` (once per event id) that closes on click or after `ms`. */
export function showAlertToast(event: AlertEvent, {ms = 12_000, doc = document}: {ms?: number; doc?: Document} = {}): HTMLElement | null {
  if (shown.has(event.id)) return null;
  shown.add(event.id);
  useAlertsStyle(doc);
  let box = doc.getElementById("pb-toasts");
  if (!box) {
    box = doc.createElement("div");
    box.id = "pb-toasts";
    box.className = "pb-toasts";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    doc.body.append(box);
  }
  const toast = doc.createElement("div");
  toast.className = "pb-toast";
  toast.dataset.severity = event.severity;
  toast.dataset.eventId = event.id;
  const title = doc.createElement("b"),
    body = doc.createElement("div"),
    when = doc.createElement("small"),
    close = doc.createElement("button");
  title.textContent = `${event.severity === "critical" ? "‼ " : ""}${event.ruleName}`;
  body.textContent = describeAlert(event);
  when.textContent = `${event.severity} · ${utcTime(event.time)}`;
  close.type = "button";
  close.textContent = "×";
  close.title = "Dismiss";
  toast.append(title, body, when, close);
  const remove = () => toast.remove();
  close.onclick = remove;
  setTimeout(remove, ms);
  box.append(toast);
  while (box.children.length > 5) box.firstElementChild!.remove();
  return toast;
}
