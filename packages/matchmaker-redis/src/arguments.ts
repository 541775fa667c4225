import type { QueueTicket, RestoredTicket } from '@proj/matchmaker';
import { RedisQueueError } from './errors.js';
import { MAX_PAYLOAD_BYTES, MAX_STRING_BYTES } from './options.js';

function bad(message: string): RedisQueueError {
  return new RedisQueueError('E_INVALID_ARGUMENT', message);
}

/** A ticket id: a string of 1..256 bytes. */
export function checkTicketId(id: unknown, what = 'ticketId'): string {
  if (typeof id !== 'string' || id === '' || Buffer.byteLength(id) > MAX_STRING_BYTES) {
    throw bad(`${what} must be a string of 1..${MAX_STRING_BYTES} bytes`);
  }
  return id;
}

/** A group id as `claim` returns them (1..256 bytes). */
export function checkGroupId(id: unknown): string {
  return checkTicketId(id, 'groupId');
}

/** A ticket to join or restore: its id, its name (0..256 bytes), its mode (one of `modes`). */
export function checkTicket(ticket: QueueTicket, modes: ReadonlyMap<string, number>): number {
  if (typeof ticket !== 'object' || ticket === null) throw bad('a ticket must be an object');
  checkTicketId(ticket.ticketId);
  if (typeof ticket.name !== 'string' || Buffer.byteLength(ticket.name) > MAX_STRING_BYTES) {
    throw bad(`name must be a string of at most ${MAX_STRING_BYTES} bytes`);
  }
  const k = typeof ticket.mode === 'string' ? modes.get(ticket.mode) : undefined;
  if (k === undefined) {
    throw new RedisQueueError('E_UNKNOWN_MODE', `unknown mode ${JSON.stringify(String(ticket.mode).slice(0, 80))}`);
  }
  return k;
}

/** A ticket to restore: a ticket with a safe integer arrival >= 1. */
export function checkRestored(ticket: RestoredTicket, modes: ReadonlyMap<string, number>): void {
  checkTicket(ticket, modes);
  if (!Number.isSafeInteger(ticket.arrival) || ticket.arrival < 1) {
    throw bad(`arrival of ${ticket.ticketId} must be a safe integer >= 1`);
  }
}

/** A `maxGroups` of claim: an integer 0..1000. */
export function checkMaxGroups(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 1000) {
    throw bad(`maxGroups must be an integer in 0..1000, got ${String(n)}`);
  }
  return n;
}

/** The payloads of a confirm: ticket id -> string of at most 64 KiB, flattened into pairs. */
export function payloadArgs(payloads: ReadonlyMap<string, string>): string[] {
  if (!(payloads instanceof Map)) throw bad('payloads must be a Map of ticket id to string');
  const out: string[] = [];
  for (const [id, payload] of payloads) {
    checkTicketId(id);
    if (typeof payload !== 'string' || Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw bad(`the payload of ${id} must be a string of at most ${MAX_PAYLOAD_BYTES} bytes`);
    }
    out.push(id, payload);
  }
  return out;
}
