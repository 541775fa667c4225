import {
  ArenaEndReason,
  ArenaEventType,
  decodeArenaEvent,
  decodeArenaSnapshot,
  type ArenaEvent,
  type ArenaSnapshot,
  type ArenaStanding,
  type GameOver,
} from '@proj/client-sdk';

/** The grid and rules from the arena's WELCOME event. */
export interface ArenaRules {
  readonly width: number;
  readonly height: number;
  /** Row-major: walls[y * width + x]. */
  readonly walls: readonly boolean[];
  readonly scoreToWin: number;
  readonly timeLimitMs: number;
  readonly moveIntervalMs: number;
}

/** How an arena game ended, as this client saw it. */
export interface ArenaResult {
  /** The server's GameOverReason name ('COMPLETED', ...). */
  readonly reasonName: string;
  /** The arena's own end reason, when the results decoded. */
  readonly arenaReason: ArenaEndReason | undefined;
  /** Ranked, winner first (empty when the results did not decode). */
  readonly standings: readonly ArenaStanding[];
}

const endReasonText: Readonly<Record<number, string>> = {
  [ArenaEndReason.SCORE_REACHED]: 'score reached',
  [ArenaEndReason.TIME_UP]: 'time up',
  [ArenaEndReason.ALL_LEFT]: 'everyone left',
  [ArenaEndReason.STOPPED]: 'stopped by the server',
};

/**
 * True when the game was played to its end by its own rules (GameOverReason COMPLETED, and not an arena STOPPED):
 * not stopped by the server (SERVER_SHUTDOWN, TIME_LIMIT), nor ended because players left or never came.
 */
export function playedOut(result: ArenaResult): boolean {
  return result.reasonName === 'COMPLETED' && result.arenaReason !== ArenaEndReason.STOPPED;
}

/** A human label for an arena end reason. */
export function arenaEndText(reason: ArenaEndReason | undefined): string {
  return reason === undefined ? 'over' : (endReasonText[reason] ?? `reason ${reason}`);
}

/**
 * What a client knows about an arena game: the rules and walls (WELCOME), names (ROSTER), who is connected,
 * the newest snapshot, a short log of happenings, and the result. Fed with the session's raw bytes; bytes that
 * do not decode are counted and ignored.
 */
export class ArenaState {
  readonly mySlot: number;
  rules: ArenaRules | undefined;
  snapshot: ArenaSnapshot | undefined;
  result: ArenaResult | undefined;
  readonly names = new Map<number, string>();
  readonly connected = new Map<number, boolean>();
  /** Newest happenings last, at most `logSize`. */
  readonly log: string[] = [];
  malformed = 0;
  readonly #logSize: number;

  constructor(mySlot: number, logSize = 4) {
    this.mySlot = mySlot;
    this.#logSize = logSize;
  }

  /** The name of `slot` ('P<slot>' before the roster says). */
  nameOf(slot: number): string {
    return this.names.get(slot) ?? `P${slot}`;
  }

  /** This player's entry in the newest snapshot. */
  me(): ArenaSnapshot['players'][number] | undefined {
    return this.snapshot?.players.find((p) => p.slot === this.mySlot);
  }

  /** True when (x, y) is a wall or off the grid. */
  isWall(x: number, y: number): boolean {
    const r = this.rules;
    if (r === undefined || x < 0 || y < 0 || x >= r.width || y >= r.height) return true;
    return r.walls[y * r.width + x] === true;
  }

  /** Applies a reliable event's bytes. */
  applyEvent(data: Uint8Array): void {
    let event: ArenaEvent;
    try {
      event = decodeArenaEvent(data);
    } catch {
      this.malformed++;
      return;
    }
    switch (event.type) {
      case ArenaEventType.WELCOME:
        this.rules = {
          width: event.width,
          height: event.height,
          walls: event.walls,
          scoreToWin: event.scoreToWin,
          timeLimitMs: event.timeLimitMs,
          moveIntervalMs: event.moveIntervalMs,
        };
        return;
      case ArenaEventType.ROSTER:
        for (const p of event.players) this.names.set(p.slot, p.name);
        return;
      case ArenaEventType.PLAYER_STATUS:
        this.connected.set(event.slot, event.connected);
        this.#note(`${this.nameOf(event.slot)} ${event.connected ? 'joined' : 'left'}`);
        return;
      case ArenaEventType.ITEM_COLLECTED:
        this.#note(`${this.nameOf(event.slot)} took a ${event.kind === 1 ? 'star' : 'gem'} (${event.score})`);
        return;
      case ArenaEventType.BUMP:
        this.#note(`${this.nameOf(event.attacker)} bumped ${this.nameOf(event.victim)}`);
        return;
      case ArenaEventType.GAME_OVER:
        this.result = { reasonName: 'COMPLETED', arenaReason: event.reason, standings: event.standings };
        return;
    }
  }

  /** Applies a snapshot's bytes. */
  applySnapshot(data: Uint8Array): void {
    try {
      this.snapshot = decodeArenaSnapshot(data);
    } catch {
      this.malformed++;
    }
  }

  /** Applies the session's game over (its data is an arena GAME_OVER event). */
  applyGameOver(gameOver: GameOver): void {
    let arenaReason: ArenaEndReason | undefined;
    let standings: readonly ArenaStanding[] = [];
    try {
      const event = decodeArenaEvent(gameOver.data);
      if (event.type === ArenaEventType.GAME_OVER) {
        arenaReason = event.reason;
        standings = event.standings;
      }
    } catch {
      this.malformed++;
    }
    if (standings.length === 0 && this.snapshot !== undefined) {
      standings = [...this.snapshot.players]
        .sort((a, b) => b.score - a.score || a.slot - b.slot)
        .map((p) => ({ slot: p.slot, score: p.score, connected: p.connected }));
    }
    this.result = { reasonName: gameOver.reasonName, arenaReason, standings };
  }

  #note(text: string): void {
    this.log.push(text);
    if (this.log.length > this.#logSize) this.log.shift();
  }
}
