import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The `lookup` of a game's UDP socket. A game server only sends to addresses it received from (a datagram's source,
 * always an IP literal), yet dgram resolves the address of every send with `dns.lookup`, which answers a literal one
 * `process.nextTick` later: per datagram a deferred call, a closure and argument checks. This answers literals at
 * once, so `send` hands the datagram to the kernel before it returns; anything else still goes to `dns.lookup`.
 * (dgram calls it with the socket's family as a number; typed as in @types/node.) @internal
 */
export function literalLookup(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) return callback(null, hostname, family);
  dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}
