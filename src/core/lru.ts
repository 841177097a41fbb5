/**
 * A bounded least-recently-used map: each entry has a weight (1 unless given), and the least recently used
 * entries are dropped once the total passes the bound. An entry heavier than the whole bound is not kept.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;

  /** `maxWeight` bounds the sum of the entries' weights (the entry count when every weight is 1). */
  constructor(private readonly maxWeight: number) {}

  /** The value under `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /** Stores `value` under `key` as the most recently used entry, then drops the oldest past the bound. */
  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    if (weight > this.maxWeight) return;
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.total > this.maxWeight) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  /** Removes `key` if present. */
  delete(key: K): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.map.delete(key);
    this.total -= entry.weight;
  }

  /** Number of entries held. */
  get size(): number {
    return this.map.size;
  }

  /** Sum of the held entries' weights. */
  get weight(): number {
    return this.total;
  }
}
