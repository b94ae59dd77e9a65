/**
 * Maps `items` through the async `fn` with at most `limit` calls in flight, and returns the
 * results in the order of `items`. Rejects with the first error `fn` throws (calls already
 * started still run to completion; no new ones start).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  // Each worker takes the next unclaimed index until none is left: a slow file system call holds
  // up one worker, not a whole batch.
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
