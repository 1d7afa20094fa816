/**
 * What most pages never need, kept out of the 2 KB script: the SPA `decide` helper,
 * `identify`, `reset`, the GA4 dataLayer bridge and search forms an SPA handles itself.
 * Served as /rujai/extra.js and loaded on first use (or when the page has a dataLayer);
 * bundled in directly by the ESM build.
 */
import type { Core, Props, SlotDecision } from "./rujai";

type Item = Record<string, unknown>;
const GA4 = /^(view_item|add_to_cart|remove_from_cart|begin_checkout|purchase|search|sign_up|login)$/;

const post = (r: Core, path: string, data: unknown) =>
  fetch(r.base + path, { method: "POST", body: JSON.stringify(data) }).catch((error: unknown) => {
    r.report(error);
    return undefined;
  });

export async function decide(r: Core, slots: string[]): Promise<Record<string, SlotDecision>> {
  let decided: Record<string, SlotDecision> = {};
  try {
    const res = await fetch(`${r.base}/decide?slots=${encodeURIComponent(slots.join(","))}`);
    decided = ((await res.json()) as { slots: Record<string, SlotDecision> }).slots;
  } catch (error) {
    r.report(error);
  }
  for (const [slot, d] of Object.entries(decided)) {
    document.querySelectorAll<HTMLElement>(`[data-rujai-slot="${slot}"]`).forEach((el) => {
      el.dataset.rujaiRule = d.rule;
      el.dataset.rujaiVariant = d.variant;
      if (d.html !== null) el.innerHTML = d.html;
    });
    r.track("impression", { slot, rule: d.rule, variant: d.variant });
  }
  return decided;
}

export async function identify(r: Core, token: string): Promise<boolean> {
  await r.flush();
  return (await post(r, "/identify", { token }))?.ok ?? false;
}

export async function reset(r: Core): Promise<void> {
  await r.clear();
}

/** GA4 `dataLayer.push({event, ecommerce})` and gtag's `dataLayer.push(arguments)`, past and future. */
export function bridge(r: Core): void {
  const w = window as unknown as { dataLayer?: unknown[] };
  const layer = (w.dataLayer ??= []);
  const handle = (entry: unknown) => {
    const x = entry as Item & ArrayLike<unknown>;
    const [name, params] = x[0] === "event" ? [x[1], x[2]] : [x.event, x.ecommerce];
    if (typeof name === "string" && GA4.test(name)) r.track(name, ga4(name, (params ?? {}) as Item));
  };
  layer.forEach(handle);
  const push = layer.push;
  layer.push = (...entries: unknown[]) => {
    entries.forEach(handle);
    return push.apply(layer, entries);
  };
  // A search form an SPA handles itself never reaches a ?q= URL: record it from the form.
  document.addEventListener("submit", (e) => {
    setTimeout(() => {
      const input = (e.target as HTMLFormElement).querySelector<HTMLInputElement>('input[type="search"],input[name="q"]');
      if (e.defaultPrevented && input?.value) r.track("search", { search_term: input.value });
    });
  });
}

/** GA4 ecommerce parameters → rujai event props (DESIGN.md, "Events"). */
export function ga4(name: string, p: Item): Props {
  const items = ((p.items as Item[]) ?? []).slice(0, 20);
  const item = (i: Item = {}) => ({ item_id: i.item_id, item_name: i.item_name, category: i.item_category, price: i.price, quantity: i.quantity }) as Props;
  if (name === "purchase" || name === "begin_checkout") {
    return { transaction_id: p.transaction_id, value: p.value, currency: p.currency, items: items.map((i) => item(i)) } as Props;
  }
  if (name === "search") return { search_term: p.search_term as string };
  return items.length ? item(items[0]) : {};
}
