/**
 * Sightings of one thing between two hosts, counted until the rule can decide (at the end of
 * input, when the inventory knows which host is a phone). Bounded: past the cap new pairs are
 * dropped and counted, existing pairs keep counting.
 */
export interface PairSighting<E> {
  a: string;
  b: string;
  first: number;
  last: number;
  count: number;
  /** What the rule keeps about the pair: the strongest or the first evidence. */
  detail: E;
}

export const MAX_PAIRS_PER_RULE = 50_000;

export class PairTally<E> {
  private readonly pairs = new Map<string, PairSighting<E>>();
  dropped = 0;

  /** Records a sighting; `merge` folds a new detail into the kept one. */
  add(a: string, b: string, ts: number, detail: E, merge?: (kept: E, next: E) => E): void {
    const key = `${a}\0${b}`;
    const seen = this.pairs.get(key);
    if (seen) {
      seen.count++;
      if (ts < seen.first) seen.first = ts;
      if (ts > seen.last) seen.last = ts;
      if (merge) seen.detail = merge(seen.detail, detail);
      return;
    }
    if (this.pairs.size >= MAX_PAIRS_PER_RULE) { this.dropped++; return; }
    this.pairs.set(key, { a, b, first: ts, last: ts, count: 1, detail });
  }

  values(): IterableIterator<PairSighting<E>> { return this.pairs.values(); }
}
