import { Html, html } from "../html";

/** A sentence above the page's content: good news in green, anything to act on in amber; read out when it appears. */
export function notice(text: string, tone: "good" | "warn"): Html {
  return html`<p class="notice ${tone}" role="status">${text}</p>`;
}
