/**
 * The `news_raw` partition (0 = `news_raw` itself) an article id is appended to, of `count` (NEWS_RAW_PARTITIONS): a
 * hash of the id (32-bit FNV-1a), so the same id always goes to the same partition, where its accepted mark is.
 */
export function rawPartitionOf(id: string, count: number): number {
  if (count <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}
