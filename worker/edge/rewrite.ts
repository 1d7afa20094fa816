/**
 * Streams an HTML response through HTMLRewriter, replacing the content of each
 * `data-rujai-slot` element that has a decision. A throwing handler would truncate the
 * streamed page, so the handler guards itself: on any fault the slot keeps its default.
 *
 * Only pages the parser handles are touched: a page over 3 MiB is left alone — by its
 * Content-Length, or, when it has none, by counting bytes as they stream (past the cap the
 * rest goes out unparsed) — and a page whose header names no charset but whose
 * `<meta charset>` says it is not UTF-8 is passed through byte for byte.
 */
export interface SlotRendering {
  rule: string;
  variant: string;
  /** The slot's new inner HTML, or null to keep the default content (holdout). May throw. */
  render(): string | null;
}

import type { SlotObserver } from "./exposure";

export const SLOT_ATTR = "data-rujai-slot";
export const MAX_REWRITE_BYTES = 3 * 1024 * 1024;

/** `observer` (exposure at the edge) hears of every slot element and of the page's end. */
export function rewriteSlots(response: Response, slots: ReadonlyMap<string, SlotRendering>, observer?: SlotObserver): Response {
  let foreignCharset = false;
  const rewriter = new HTMLRewriter().on(`[${SLOT_ATTR}]`, {
    element(element) {
      const name = element.getAttribute(SLOT_ATTR) ?? "";
      let shown = false;
      try {
        if (foreignCharset) return;
        const decision = slots.get(name);
        if (!decision) return;
        const html = decision.render();
        element.setAttribute("data-rujai-rule", decision.rule);
        element.setAttribute("data-rujai-variant", decision.variant);
        if (html !== null) element.setInnerContent(html, { html: true });
        shown = true;
      } catch (error) {
        console.warn("rujai: slot left as default:", error);
      } finally {
        if (observer && !foreignCharset) guarded(() => observer.slot(name, shown));
      }
    },
  });
  if (observer) rewriter.onDocument({ end: () => guarded(() => observer.end()) });
  if (!charsetOf(response.headers.get("content-type"))) {
    // The spec puts <meta charset> in the first 1024 bytes, before any slot of the body.
    rewriter.on("meta", {
      element(meta) {
        const declared = meta.getAttribute("charset") ?? charsetOf(meta.getAttribute("content"));
        if (declared && !isUtf8(declared)) foreignCharset = true;
      },
    });
  }
  if (response.headers.has("content-length")) return rewriter.transform(response);
  return rewriteHead(response, rewriter, MAX_REWRITE_BYTES);
}

/** A throwing handler would cut the page short: observers are told, never trusted. */
function guarded(f: () => void): void {
  try {
    f();
  } catch (error) {
    console.warn("rujai: exposure not recorded:", error);
  }
}

/** Only complete UTF-8 (or undeclared) HTML pages of a size the parser handles are rewritten. */
export function isRewritable(response: Response): boolean {
  if (response.status !== 200 || response.body === null) return false;
  const type = (response.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("text/html")) return false;
  const charset = charsetOf(type);
  if (charset && !isUtf8(charset)) return false;
  const length = Number(response.headers.get("content-length") ?? "0");
  return !(length > MAX_REWRITE_BYTES);
}

function charsetOf(contentType: string | null): string | undefined {
  return /charset=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
}
const isUtf8 = (charset: string) => /^utf-?8$/i.test(charset);

/**
 * A body of unknown length: the first `cap` bytes (to a chunk boundary) go through the
 * rewriter, the rest streams out as it came.
 */
function rewriteHead(response: Response, rewriter: HTMLRewriter, cap: number): Response {
  const source = response.body!.getReader();
  let seen = 0;
  let overCap = false;
  const head = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.read();
      if (done) return controller.close();
      controller.enqueue(value);
      seen += value.byteLength;
      if (seen >= cap) {
        overCap = true;
        controller.close();
      }
    },
    cancel: (reason) => source.cancel(reason),
  });
  const rewritten = rewriter.transform(new Response(head, response)).body!.getReader();
  let headDone = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headDone) {
        const { done, value } = await rewritten.read();
        if (!done) return controller.enqueue(value);
        headDone = true;
        if (!overCap) return controller.close();
      }
      const { done, value } = await source.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: async (reason) => {
      await rewritten.cancel(reason);
      await source.cancel(reason);
    },
  });
  return new Response(body, response);
}
