// A chart's card on the pair report (./pairCharts.ts): a title over the chart and a note under it
// (hidden until needed), and their text set only when it changes.
import type {CanvasChart} from "./canvasChart.js";

/** Sets an element's text only when it differs: a live frame then leaves unchanged titles alone. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function card(id: string, chart: CanvasChart): {card: HTMLDivElement; title: HTMLHeadingElement; note: HTMLParagraphElement} {
  const el = document.createElement("div"),
    title = document.createElement("h2"),
    note = document.createElement("p");
  el.className = "card";
  el.id = id;
  note.className = "pb-notice";
  note.hidden = true;
  el.append(title, chart.element, note);
  return {card: el, title, note};
}
