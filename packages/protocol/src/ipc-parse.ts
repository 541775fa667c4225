// Validation of a received IPC message (the contract is in ipc-messages.ts): what comes over the channel is
// untrusted JSON until one of these parsers has returned it typed.
import { ProtocolError } from './errors.js';
import { integerEntry, isFiniteNumber, isRecord, stringEntry } from './fields.js';
import {
  IPC_MAX_GAME_MODULE_LENGTH,
  IPC_MAX_STATS_COUNT,
  IPC_MAX_STATS_MS,
  IPC_MAX_STATS_REASONS,
  IPC_VERSION,
  ShutdownReason,
  type ChildToParentMessage,
  type GameAssignment,
  type IpcJoinReport,
  type IpcStatsMessage,
  type IpcTickHealth,
  type ParentToChildMessage,
} from './ipc-messages.js';

function invalid(message: string): never {
  throw new ProtocolError('E_INVALID_IPC_MESSAGE', `invalid IPC message: ${message}`);
}

function parseAssignment(v: unknown): GameAssignment {
  if (!isRecord(v)) invalid('game must be an object');
  const playersRaw = v['players'];
  if (!Array.isArray(playersRaw) || playersRaw.length === 0 || playersRaw.length > 255)
    invalid('players must be a non-empty array of at most 255');
  const seen = new Set<number>();
  const players = playersRaw.map((p: unknown) => {
    if (!isRecord(p)) invalid('each player must be an object');
    const slot = integerEntry(p, 'slot', 0, 254, invalid);
    if (seen.has(slot)) invalid(`slot ${slot} appears twice`);
    seen.add(slot);
    return { slot, name: stringEntry(p, 'name', 64, invalid) };
  });
  const secretBase64 = stringEntry(v, 'secretBase64', 1024, invalid);
  if (Buffer.from(secretBase64, 'base64').length < 32) invalid('secretBase64 must decode to at least 32 bytes');
  const options = v['options'];
  if (options !== undefined && !isRecord(options)) invalid('options must be an object');
  const gameModule =
    v['gameModule'] === undefined ? undefined : stringEntry(v, 'gameModule', IPC_MAX_GAME_MODULE_LENGTH, invalid);
  // An absolute POSIX path, or a Windows one (C:\..., \\server\share\...); nothing relative, no control characters.
  if (gameModule !== undefined && (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(gameModule) || /\p{Cc}/u.test(gameModule)))
    invalid('gameModule must be an absolute file path without control characters');
  const maxDurationMs =
    v['maxDurationMs'] === undefined ? undefined : integerEntry(v, 'maxDurationMs', 1, 2 ** 31 - 1, invalid);
  return {
    gameId: stringEntry(v, 'gameId', 64, invalid),
    mode: stringEntry(v, 'mode', 64, invalid),
    bindHost: stringEntry(v, 'bindHost', 255, invalid),
    port: integerEntry(v, 'port', 1, 65535, invalid),
    players,
    secretBase64,
    tokenExpiresAt: integerEntry(v, 'tokenExpiresAt', 0, Number.MAX_SAFE_INTEGER, invalid),
    ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
    ...(options !== undefined ? { options } : {}),
    ...(gameModule !== undefined ? { gameModule } : {}),
  };
}

const STATS_REASON = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

function parseDropped(v: unknown): Record<string, number> {
  if (!isRecord(v)) invalid('dropped must be an object');
  const reasons = Object.keys(v);
  if (reasons.length > IPC_MAX_STATS_REASONS) invalid(`dropped must have at most ${IPC_MAX_STATS_REASONS} reasons`);
  // A prototype-less record: a reason can never reach Object.prototype (and the pattern already rules out __proto__).
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const reason of reasons) {
    if (!STATS_REASON.test(reason))
      invalid(`dropped reason ${JSON.stringify(reason.slice(0, 40))} must be 1..32 letters, digits or _`);
    out[reason] = integerEntry(v, reason, 0, IPC_MAX_STATS_COUNT, invalid);
  }
  return out;
}

function msEntry(v: Readonly<Record<string, unknown>>, key: string): number {
  const ms = v[key];
  if (!isFiniteNumber(ms) || ms < 0 || ms > IPC_MAX_STATS_MS)
    invalid(`health.${key} must be a number of ms in [0, ${IPC_MAX_STATS_MS}]`);
  return ms;
}

function parseHealth(v: unknown): IpcTickHealth {
  if (!isRecord(v)) invalid('health must be an object');
  const tickRateHz = v['tickRateHz'];
  if (!isFiniteNumber(tickRateHz) || tickRateHz < 1 || tickRateHz > 1000)
    invalid('health.tickRateHz must be a number in [1, 1000]');
  const intervalMs = msEntry(v, 'intervalMs');
  if (intervalMs === 0) invalid('health.intervalMs must be above 0');
  const lateP50Ms = msEntry(v, 'lateP50Ms');
  const lateP99Ms = msEntry(v, 'lateP99Ms');
  const lateMaxMs = msEntry(v, 'lateMaxMs');
  if (lateP50Ms > lateP99Ms || lateP99Ms > lateMaxMs) invalid('health must have lateP50Ms <= lateP99Ms <= lateMaxMs');
  const fail = (message: string): never => invalid(`health.${message}`);
  return {
    tickRateHz,
    intervalMs,
    ticks: integerEntry(v, 'ticks', 0, IPC_MAX_STATS_COUNT, fail),
    lateP50Ms,
    lateP99Ms,
    lateMaxMs,
    skippedTicks: integerEntry(v, 'skippedTicks', 0, IPC_MAX_STATS_COUNT, fail),
    cpuMs: msEntry(v, 'cpuMs'),
  };
}

function parseStats(value: Readonly<Record<string, unknown>>): IpcStatsMessage {
  const gameId = stringEntry(value, 'gameId', 64, invalid);
  const dropped = parseDropped(value['dropped']);
  const health = value['health'];
  const connected = value['connected'] === undefined ? undefined : parseSlots(value, 'connected', new Set());
  return {
    type: 'stats',
    gameId,
    dropped,
    ...(health !== undefined ? { health: parseHealth(health) } : {}),
    ...(connected !== undefined ? { connected } : {}),
  };
}

function parseSlots(value: Readonly<Record<string, unknown>>, key: string, seen: Set<number>): number[] {
  const raw = value[key];
  if (!Array.isArray(raw) || raw.length > 255) invalid(`${key} must be an array of at most 255 slots`);
  return raw.map((slot: unknown) => {
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot > 254)
      invalid(`${key} must hold slots in [0, 254]`);
    if (seen.has(slot)) invalid(`slot ${slot} appears twice`);
    seen.add(slot);
    return slot;
  });
}

function parseJoinReport(value: Readonly<Record<string, unknown>>): IpcJoinReport {
  const seen = new Set<number>();
  return {
    type: 'joinReport',
    gameId: stringEntry(value, 'gameId', 64, invalid),
    joined: parseSlots(value, 'joined', seen),
    missing: parseSlots(value, 'missing', seen),
  };
}

const shutdownReasons = new Set<string>(Object.values(ShutdownReason));

/**
 * Validates a message received from the parent. Returns it typed, or throws
 * ProtocolError 'E_INVALID_IPC_MESSAGE' naming the bad field ('E_UNSUPPORTED_VERSION' for a
 * `start` of another IPC version). Never throws anything else.
 */
export function parseParentToChildMessage(value: unknown): ParentToChildMessage {
  if (!isRecord(value)) invalid('not an object');
  switch (value['type']) {
    case 'start': {
      const ipcVersion = value['ipcVersion'];
      if (ipcVersion !== IPC_VERSION) {
        throw new ProtocolError(
          'E_UNSUPPORTED_VERSION',
          `IPC version ${String(ipcVersion)} is not supported (expected ${IPC_VERSION})`,
        );
      }
      return { type: 'start', ipcVersion, game: parseAssignment(value['game']) };
    }
    case 'shutdown': {
      const reason = value['reason'];
      if (typeof reason !== 'string' || !shutdownReasons.has(reason)) invalid('unknown shutdown reason');
      return {
        type: 'shutdown',
        reason: reason as ShutdownReason,
        graceMs: integerEntry(value, 'graceMs', 0, 2 ** 31 - 1, invalid),
      };
    }
    case 'warmUp':
      return { type: 'warmUp' };
    case 'seat':
      return {
        type: 'seat',
        slot: integerEntry(value, 'slot', 0, 254, invalid),
        name: stringEntry(value, 'name', 64, invalid),
      };
    default:
      return invalid(`unknown type ${JSON.stringify(value['type'])}`);
  }
}

/**
 * Validates a message received from a child. Returns it typed, or throws ProtocolError
 * 'E_INVALID_IPC_MESSAGE' naming the bad field. Never throws anything else.
 */
export function parseChildToParentMessage(value: unknown): ChildToParentMessage {
  if (!isRecord(value)) invalid('not an object');
  switch (value['type']) {
    case 'idle': {
      const warmUp = value['warmUp'];
      if (warmUp !== undefined && typeof warmUp !== 'boolean') invalid('warmUp must be a boolean');
      return warmUp === true ? { type: 'idle', warmUp: true } : { type: 'idle' };
    }
    case 'ready':
      return {
        type: 'ready',
        gameId: stringEntry(value, 'gameId', 64, invalid),
        port: integerEntry(value, 'port', 1, 65535, invalid),
      };
    case 'bindFailed':
      return {
        type: 'bindFailed',
        gameId: stringEntry(value, 'gameId', 64, invalid),
        port: integerEntry(value, 'port', 1, 65535, invalid),
        errorCode: stringEntry(value, 'errorCode', 64, invalid),
        message: stringEntry(value, 'message', 1024, invalid),
      };
    case 'gameOver': {
      const raw = value['results'];
      if (!Array.isArray(raw) || raw.length > 255) invalid('results must be an array of at most 255');
      const results = raw.map((r: unknown) => {
        if (!isRecord(r)) invalid('each result must be an object');
        const score = r['score'];
        if (!isFiniteNumber(score)) invalid('score must be a finite number');
        const connected = r['connected'];
        if (typeof connected !== 'boolean') invalid('connected must be a boolean');
        return {
          slot: integerEntry(r, 'slot', 0, 254, invalid),
          name: stringEntry(r, 'name', 64, invalid),
          score,
          connected,
        };
      });
      return {
        type: 'gameOver',
        gameId: stringEntry(value, 'gameId', 64, invalid),
        reason: stringEntry(value, 'reason', 64, invalid),
        results,
      };
    }
    case 'stats':
      return parseStats(value);
    case 'joinReport':
      return parseJoinReport(value);
    case 'heartbeat':
      return { type: 'heartbeat', gameId: stringEntry(value, 'gameId', 64, invalid) };
    default:
      return invalid(`unknown type ${JSON.stringify(value['type'])}`);
  }
}
