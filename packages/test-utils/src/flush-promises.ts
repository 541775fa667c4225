/** Lets already-settled promises run their callbacks (microtasks only, so it works under fake timers too). */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
