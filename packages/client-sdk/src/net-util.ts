import { isIPv4 } from 'node:net';
import type { Socket } from 'node:net';

/** An IPv4-mapped IPv6 address ('::ffff:127.0.0.1') as plain IPv4; anything else unchanged. */
export function unmapAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIPv4(v4)) return v4;
  }
  return address;
}

/** Half-closes `socket` and destroys it if the peer has not closed within `graceMs` (timer unref'ed). */
export function closeGracefully(socket: Socket, graceMs = 2000): void {
  if (socket.destroyed) return;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), graceMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
