interface Waiter {
  wake(): void;
}

/** Callers waiting for their turn, per key; a key is present while someone holds its turn. */
const queues = new Map<string, Waiter[]>();

/**
 * Waits, first come first served, until no other caller in this process holds `key`. Resolves
 * with a `leave` function that hands the turn to the next waiter; rejects with `onTimeout()`
 * (and leaves the queue) if the turn has not come by `deadline` (epoch ms).
 */
export async function enterPathQueue(
  key: string,
  deadline: number,
  onTimeout: () => Error,
): Promise<() => void> {
  const waiters = queues.get(key);
  if (!waiters) {
    const fresh: Waiter[] = [];
    queues.set(key, fresh);
    return leaveFunction(key, fresh);
  }
  await new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
      wake: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    const timer = setTimeout(
      () => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        reject(onTimeout());
      },
      Math.max(0, deadline - Date.now()),
    );
    waiters.push(waiter);
  });
  return leaveFunction(key, waiters);
}

function leaveFunction(key: string, waiters: Waiter[]): () => void {
  let left = false;
  return () => {
    if (left) return;
    left = true;
    const next = waiters.shift();
    if (next) next.wake();
    else queues.delete(key);
  };
}
