import { createStore, del, get, set } from "idb-keyval";
const store = createStore("db", "s");
set("k", 1, store).then(() => get("k", store)).then(() => del("k", store));
