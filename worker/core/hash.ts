/** Sticky bucketing: the same visitor and key always land in the same place in [0, 1). */
export function bucket(visitorId: string, key: string): number {
  // FNV-1a, 32 bit: fast, well spread for short strings, and identical in every runtime.
  let h = 0x811c9dc5;
  const text = `${visitorId}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}
