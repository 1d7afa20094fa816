import posthog from "posthog-js";
posthog.init("phc_key", { api_host: "https://ph.example" });
posthog.capture("add_to_cart", { item_id: "sn-1" });
