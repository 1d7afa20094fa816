/**
 * Automatic capture, so one tag is enough: page views (SPA navigations too), searches from the
 * query string, products from schema.org JSON-LD or `data-rujai-item`, and impressions and
 * clicks on slots the worker swapped. (The GA4 dataLayer bridge is in extra.ts.)
 */
import type { Core, Props } from "./rujai";

type Item = Record<string, unknown>;

export function capture(r: Core): void {
  const seen = new Set<string>();
  const once = (key: string, fn: () => void) => {
    if (!seen.has(key)) seen.add(key), fn();
  };

  const scan = () => {
    const url = location.pathname + location.search;
    document.querySelectorAll<HTMLScriptElement>('script[type="application/ld+json"]').forEach((s) => {
      try {
        for (const p of ([] as Item[]).concat(JSON.parse(s.text))) {
          if (p["@type"] !== "Product") continue;
          const offer = ([] as Item[]).concat((p.offers as Item) ?? {})[0]!;
          const id = String(p.sku ?? p.productID ?? p.name);
          once(url + id, () =>
            r.track("view_item", { item_id: id, item_name: p.name as string, category: p.category as string, price: Number(offer.price) || undefined }),
          );
        }
      } catch {
        /* a site's broken JSON-LD is not our fault to throw */
      }
    });
    document.querySelectorAll<HTMLElement>("[data-rujai-item]").forEach((el) => {
      try {
        const item = JSON.parse(el.dataset.rujaiItem!) as Props;
        once(url + item.item_id, () => r.track("view_item", item));
      } catch {
        /* ignore */
      }
    });
    document.querySelectorAll<HTMLElement>("[data-rujai-rule]").forEach((el) => {
      once(url + el.dataset.rujaiSlot, () => r.track("impression", slot(el.dataset)));
    });
  };

  const navigated = () => {
    r.page();
    scan();
  };
  for (const name of ["pushState", "replaceState"] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History["pushState"]>) {
      original.apply(this, args);
      setTimeout(navigated);
    };
  }
  addEventListener("popstate", navigated);

  document.addEventListener("click", (e) => {
    const d = (e.target as Element).closest?.<HTMLElement>("[data-rujai-rule]")?.dataset;
    if (d) r.track("click", slot(d));
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  r.page();
}

/** What the worker wrote on a swapped slot. */
const slot = (d: DOMStringMap): Props => ({ slot: d.rujaiSlot, rule: d.rujaiRule, variant: d.rujaiVariant });
