import { type HelloMessage, WireErrorCode } from '@proj/protocol';
import { CountByKey } from './count-by-key.js';
import type { NoShowPolicy } from './no-show-options.js';
import { NoShowGuard, type NoShowBackoff } from './no-show-guard.js';
import { helloRefusal, unknownModeMessage } from './refusals.js';

/** A player told its match, until its game's child says whether it joined: its seat's address and name. */
export interface SeatHolder {
  readonly remoteAddress: string;
  readonly name: string;
}

/** Why a hello is refused: the wire error, and a message when the code's own description is not enough. */
export interface HelloRefusal {
  readonly code: WireErrorCode;
  readonly message?: string;
}

/** The seats nobody came for in a game, and the addresses or names refused for it. */
export interface NoShowReport {
  readonly players: readonly { readonly slot: number; readonly name: string; readonly remoteAddress: string }[];
  readonly backoffs: readonly NoShowBackoff[];
}

/**
 * The players each address holds between hello and joining a game (queued, matched, and told their match until
 * their game's child reports the seats joined or exits), capped by `maxQueuedPerIp`; and the no-show record that
 * refuses addresses and names whose matches go unjoined. Shared by the match flows (local queue or shared queue):
 * they ask {@link admit} at each hello and report holds, matches and joins here.
 */
export class PlayerHolds {
  readonly #policy: NoShowPolicy;
  readonly #modes: ReadonlyMap<string, unknown>;
  readonly #held = new CountByKey();
  /**
   * The seats of games whose child has not reported its joins yet, by game id, by slot; undefined for a seat of a
   * player held by another orchestrator (shared queue).
   */
  readonly #unconfirmed = new Map<string, readonly (SeatHolder | undefined)[]>();
  readonly #noShows: NoShowGuard;

  constructor(policy: NoShowPolicy, modes: ReadonlyMap<string, unknown>) {
    this.#policy = policy;
    this.#modes = modes;
    this.#noShows = new NoShowGuard(policy);
  }

  /**
   * Whether a hello in `mode` from `remoteAddress` may queue: undefined (yes: the caller then {@link hold}s), or
   * why not (a bad hello, an unknown mode: its message names the configured modes, too many players held by the
   * address, a no-show backoff).
   */
  admit(remoteAddress: string, message: HelloMessage, mode: string): HelloRefusal | undefined {
    const refusal = helloRefusal(message, mode, this.#modes);
    if (refusal === WireErrorCode.UNKNOWN_MODE) {
      return { code: refusal, message: unknownModeMessage(mode, this.#modes.keys()) };
    }
    if (refusal !== undefined) return { code: refusal };
    if (this.#held.get(remoteAddress) >= this.#policy.maxQueuedPerIp) {
      return { code: WireErrorCode.TOO_MANY_QUEUED_FROM_IP };
    }
    const noShow = this.#noShows.refusal(remoteAddress, message.name);
    if (noShow === undefined) return undefined;
    const seconds = Math.ceil(noShow.retryAfterMs / 1000);
    const why = `${noShow.noShows} recent matches of this ${noShow.kind} were never joined`;
    return { code: WireErrorCode.NO_SHOW_BACKOFF, message: `refused for ${seconds} s: ${why}` };
  }

  /** An admitted player of `remoteAddress` is queued: it counts against the address's cap. */
  hold(remoteAddress: string): void {
    this.#held.add(remoteAddress);
  }

  /** A held player left, or was matched where no join report will reach this host: it no longer counts. */
  release(remoteAddress: string): void {
    this.#held.remove(remoteAddress);
  }

  /**
   * A game's players were told their match: they stay held until {@link joinReported} or {@link gameEnded}. `seats`
   * by slot; undefined for a player this orchestrator does not hold (matched here, queued on another host).
   */
  awaitJoins(gameId: string, seats: readonly (SeatHolder | undefined)[]): void {
    this.#unconfirmed.set(gameId, seats);
  }

  /**
   * A game's child reported which seats were joined: their players are released; each seat nobody came for counts
   * as a no-show of its player's address and name, which may get them refused for a while. Returns the no-shows,
   * or undefined when the game's seats were not awaited (or had none missing).
   */
  joinReported(gameId: string, joined: readonly number[], missing: readonly number[]): NoShowReport | undefined {
    const seats = this.#unconfirmed.get(gameId);
    if (seats === undefined) return undefined;
    this.#unconfirmed.delete(gameId);
    for (const slot of joined) {
      const seat = seats[slot];
      if (seat !== undefined) this.#noShows.seat(seat.remoteAddress, seat.name, true);
    }
    const players: { slot: number; name: string; remoteAddress: string }[] = [];
    const backoffs: NoShowBackoff[] = [];
    for (const slot of missing) {
      const seat = seats[slot];
      if (seat === undefined) continue;
      players.push({ slot, name: seat.name, remoteAddress: seat.remoteAddress });
      backoffs.push(...this.#noShows.seat(seat.remoteAddress, seat.name, false));
    }
    this.#releaseAll(seats);
    return players.length > 0 ? { players, backoffs } : undefined;
  }

  /** A started game is over: players whose joins were never reported are released (no no-show counted). */
  gameEnded(gameId: string): void {
    const seats = this.#unconfirmed.get(gameId);
    if (seats === undefined) return;
    this.#unconfirmed.delete(gameId);
    this.#releaseAll(seats);
  }

  #releaseAll(seats: readonly (SeatHolder | undefined)[]): void {
    for (const seat of seats) if (seat !== undefined) this.#held.remove(seat.remoteAddress);
  }
}
