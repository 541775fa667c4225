import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

/**
 * node:crypto, loaded on first use rather than when this package is imported.
 *
 * Why: loading node:crypto costs a process about 1 MiB of RSS (measured on Node 20: its internal modules and
 * their heap), and a game child needs it only once a player's connect token arrives. An idle warm-pool child,
 * or a bound game still waiting for its players, then holds none of it. The first call pays the load once
 * (about 3 ms on the benchmark machine). `process.getBuiltinModule` is synchronous (Node >= 20.16).
 */
export function nodeCrypto(): typeof NodeCrypto {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded;
}
