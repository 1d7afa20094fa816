/** Resolves to the promise's value, or to `undefined` if it rejects or takes longer than `ms`. */
export function timeBox<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const guarded = work.catch((error: unknown) => {
    console.warn("rujai: personalization skipped:", error);
    return undefined;
  });
  return Promise.race([guarded, timeout]).finally(() => clearTimeout(timer));
}
