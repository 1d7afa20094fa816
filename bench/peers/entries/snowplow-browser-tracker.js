import { newTracker, trackPageView, trackSelfDescribingEvent } from "@snowplow/browser-tracker";
newTracker("sp", "https://sp.example", { appId: "shop" });
trackPageView();
trackSelfDescribingEvent({ event: { schema: "iglu:com.example/add_to_cart/jsonschema/1-0-0", data: { item_id: "sn-1" } } });
