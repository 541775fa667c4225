/**
 * Promises that resolve once a condition holds: checked when `when()` is called and again at every `check()` (the
 * owner calls it after each change that may make a condition true). Never rejects.
 */
export class ConditionWaiters {
  readonly #waiters: (() => void)[] = [];

  /** Resolves once `condition()` returns true (at once when it already does). */
  when(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (condition()) resolve();
        else this.#waiters.push(check);
      };
      check();
    });
  }

  /** Re-checks every pending condition. */
  check(): void {
    if (this.#waiters.length === 0) return;
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
