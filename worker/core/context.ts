/**
 * The visit context conditions can test: country (from the edge), device and browser (from the
 * user agent), and how the visitor arrived — referrer host and UTM tags, from this request's
 * URL or, on later pages, from the landing page view kept in the profile. Pure.
 */
import type { ProfileView } from "./profile";

export const CONTEXT_KEYS = ["country", "device", "browser", "referrer", "utm_source", "utm_medium", "utm_campaign"] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];
export type Acquisition = Partial<Record<"referrer" | "utm_source" | "utm_medium" | "utm_campaign", string>>;

export function deviceOf(ua: string): "mobile" | "tablet" | "desktop" {
  if (/iPad|Tablet|PlayBook|Silk|Android(?!.*Mobile)/i.test(ua)) return "tablet";
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(ua)) return "mobile";
  return "desktop";
}

export function browserOf(ua: string): string {
  if (/SamsungBrowser/i.test(ua)) return "samsung";
  if (/Edg\//.test(ua)) return "edge";
  if (/OPR\/|Opera/.test(ua)) return "opera";
  if (/Firefox\//.test(ua)) return "firefox";
  if (/Chrome\/|CriOS/.test(ua)) return "chrome";
  if (/Safari\//.test(ua)) return "safari";
  return "other";
}

/** UTM tags of a URL (path with query, or absolute) and an external referrer's host. */
export function acquisitionFrom(url: string, referrer: string | undefined, siteHost: string | undefined): Acquisition {
  const out: Acquisition = {};
  // Most pages carry no UTM tag: parse the URL only when one could be there.
  if (url.includes("utm_")) {
    let params: URLSearchParams;
    try {
      params = new URL(url, "https://x.invalid").searchParams;
    } catch {
      return out;
    }
    for (const key of ["utm_source", "utm_medium", "utm_campaign"] as const) {
      const value = params.get(key);
      if (value) out[key] = value.slice(0, 100).toLowerCase();
    }
  }
  if (referrer) {
    try {
      const host = new URL(referrer).hostname.replace(/^www\./, "");
      if (host && host !== siteHost?.replace(/^www\./, "")) out.referrer = host;
    } catch {
      /* not a URL: no referrer */
    }
  }
  return out;
}

/** How the visitor last arrived from outside: the newest page view with UTM tags or an external referrer. */
export function acquisitionOf(profile: ProfileView, siteHost: string | undefined): Acquisition {
  const views = profile.byType.get("page_view") ?? [];
  for (let i = views.length - 1; i >= 0; i--) {
    const p = views[i]!.props ?? {};
    const found = acquisitionFrom(String(p.path ?? ""), typeof p.referrer === "string" ? p.referrer : undefined, siteHost);
    if (Object.keys(found).length) return found;
  }
  return {};
}
