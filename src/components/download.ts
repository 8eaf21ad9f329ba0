// A button that builds a file only when clicked and hands it to the browser as a download.
import {html} from "htl";

export function downloadButton(
  label: string,
  filename: string,
  make: () => Blob | string | Promise<Blob | string>,
  {id, type = "text/plain"}: {id?: string; type?: string} = {},
): HTMLElement {
  const button = html`<button class="pb-button" type="button" id=${id ?? null}>${label}</button>` as HTMLButtonElement;
  button.onclick = async () => {
    const content = await make();
    const blob = typeof content === "string" ? new Blob([content], {type}) : content;
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    ((a.href = url), (a.download = filename));
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return button;
}
