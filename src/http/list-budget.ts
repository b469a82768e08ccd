/**
 * Most bytes one list response may take: articles and dead letters carry bodies of up to ARTICLE_MAX_BODY_CHARS, so
 * `limit` alone would let one request pull ~100 MB through Valkey, Node and the client. A page holds at least one
 * item; its cursor (`next_before`, `next_after`) continues where it stopped.
 */
export const LIST_MAX_BYTES = 1024 * 1024;
/** Room left for the envelope around the items (`{"items":[`, `],"next_before":"…"}`). */
const LIST_ENVELOPE_BYTES = 128;

/** The items of one list response, up to LIST_MAX_BYTES of JSON (and always the first one). */
export class ListBudget<T> {
  readonly items: T[] = [];
  private bytes = LIST_ENVELOPE_BYTES;
  full = false;

  /** Adds an item (`json` its JSON) if it fits; answers false, and is full, if it does not. */
  add(item: T, json: string = JSON.stringify(item)): boolean {
    const size = Buffer.byteLength(json) + 1; // and its comma
    if (this.items.length > 0 && this.bytes + size > LIST_MAX_BYTES) {
      this.full = true;
      return false;
    }
    this.items.push(item);
    this.bytes += size;
    return true;
  }
}
