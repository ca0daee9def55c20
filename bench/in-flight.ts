/** Runs `call` `total` times with at most `concurrency` calls in flight at once. */
export async function runInFlight(total: number, concurrency: number, call: () => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
