/** Admin exports need the admin token, so each is fetched and handed to the browser as a file. */
type Api = (path: string, init?: RequestInit) => Promise<Response>;

export async function download(api: Api, path: string, fallbackName: string): Promise<void> {
  const res = await api(path);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
