/**
 * Parsers of setting values. Each takes what the user gave (a string from a flag or an environment variable, or any
 * JSON value from the config file) and returns the typed value, or throws {@link InvalidValue} with a short reason
 * ('range is inverted (first > last)'); the loader adds which setting and where it came from.
 */

/** Thrown by a value parser: `message` is the reason only, without the setting's name. */
export class InvalidValue extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidValue';
  }
}

/** An inclusive range of ports. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/**
 * A game mode: its name, its number of players per game (K), options passed untouched to its games and, when it
 * has its own, its game module (a path as written in the config file until the loader made it absolute).
 */
export interface ModeConfig {
  readonly name: string;
  readonly playersPerGame: number;
  readonly gameOptions?: Readonly<Record<string, unknown>>;
  readonly game?: string;
}

const MAX_TIMER_MS = 2_147_483_647;

function text(raw: unknown): string {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') throw new InvalidValue(`expected a string or a number, got ${describeJson(raw)}`);
  return raw.trim();
}

/** A short description of a JSON value's type, for messages. */
export function describeJson(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  return typeof raw === 'object' ? 'an object' : typeof raw;
}

/** An integer in `min..max`, from a number or a decimal string. */
export function parseInteger(raw: unknown, min: number, max: number): number {
  const s = text(raw);
  if (!/^-?\d+$/.test(s)) throw new InvalidValue(`not an integer`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidValue(`must be an integer in ${min}..${max}`);
  return n;
}

/** A number in `0..max`, from a number or a decimal string ('0.9', '1', '.5'). */
export function parseNumber(raw: unknown, max: number): number {
  const s = text(raw);
  if (!/^(\d+\.?\d*|\.\d+)$/.test(s)) throw new InvalidValue('not a number');
  const n = Number(s);
  if (!Number.isFinite(n) || n > max) throw new InvalidValue(`must be a number in 0..${max}`);
  return n;
}

/**
 * A warm pool buffer: a count (`4`, `'4'`) or a percentage of the games running (`'25%'`, 0..1000% with up to two
 * decimals). Returns the count as a number, a percentage as its normalised string ('12.5%').
 */
export function parseWarmPoolBuffer(raw: unknown): number | string {
  const s = text(raw);
  if (/^\d+$/.test(s)) return parseInteger(s, 0, 65_535);
  const m = /^(\d+(?:\.\d{1,2})?)\s*%$/.exec(s);
  if (m === null) throw new InvalidValue('must be a count (4) or a percentage of the running games (25%)');
  const percent = Number(m[1]);
  if (percent > 1_000) throw new InvalidValue('a percentage must be in 0%..1000%');
  return `${percent}%`;
}

/** A TCP port: 0..65535, where 0 asks the OS for a free port. */
export function parseListenPort(raw: unknown): number {
  return parseInteger(raw, 0, 65_535);
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: a number (milliseconds) or a string such as '500ms', '10s', '2m', '1h', '1.5s'
 * (a bare number is milliseconds). Bounded by what a Node timer can wait (about 24.8 days).
 */
export function parseDuration(raw: unknown): number {
  const s = text(raw);
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(s);
  if (m === null)
    throw new InvalidValue(`not a duration (use milliseconds or a number with ms, s, m or h: 500ms, 10s, 2m)`);
  const ms = Number(m[1]) * DURATION_UNITS[m[2] ?? 'ms']!;
  if (!Number.isInteger(ms)) throw new InvalidValue('not a whole number of milliseconds');
  if (ms > MAX_TIMER_MS) throw new InvalidValue(`too long (at most ${MAX_TIMER_MS} ms, about 24 days)`);
  return ms;
}

/** Formats milliseconds the way {@link parseDuration} reads them back ('10s', '1h', '250ms', '0'). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A host name or an IP address (1..255 characters, no spaces or control characters). */
export function parseHost(raw: unknown): string {
  const s = text(raw);
  if (s.length === 0 || s.length > 255) throw new InvalidValue('must be a host name or an IP address');
  if (/[\s\p{Cc}/]/u.test(s))
    throw new InvalidValue('must be a host name or an IP address (no spaces, slashes or control characters)');
  return s;
}

/** One of `choices`. */
export function parseChoice<T extends string>(raw: unknown, choices: readonly T[]): T {
  const s = text(raw);
  if (!(choices as readonly string[]).includes(s)) throw new InvalidValue(`must be one of ${choices.join(', ')}`);
  return s as T;
}

function parsePort(s: string): number {
  if (!/^\d+$/.test(s)) throw new InvalidValue(`'${s}' is not a port number`);
  const n = Number(s);
  if (n < 1 || n > 65_535) throw new InvalidValue(`port ${s} is out of 1..65535`);
  return n;
}

/**
 * UDP port ranges: 'first-last', single ports, or a comma-separated mix ('7701-7716', '7701-7708,7801-7808,7900');
 * from the file also an array of those or of `{ first, last }`. The ranges must not be inverted nor overlap.
 */
export function parsePortRanges(raw: unknown): PortRange[] {
  const parts: string[] = [];
  const ranges: PortRange[] = [];
  const items = Array.isArray(raw) ? raw : [raw];
  for (const item of items) {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const o = item as Record<string, unknown>;
      parts.push(`${text(o['first'])}-${text(o['last'])}`);
    } else {
      parts.push(...text(item).split(','));
    }
  }
  for (const part of parts.map((p) => p.trim())) {
    if (part.length === 0) throw new InvalidValue('empty entry (expected first-last or a port)');
    const m = /^([^-]+)(?:-(.+))?$/.exec(part);
    if (m === null) throw new InvalidValue(`'${part}' is not a port range (expected first-last)`);
    const first = parsePort(m[1]!.trim());
    const last = m[2] === undefined ? first : parsePort(m[2].trim());
    if (first > last) throw new InvalidValue(`range ${part} is inverted (first > last)`);
    ranges.push({ first, last });
  }
  if (ranges.length === 0) throw new InvalidValue('no port given');
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.first <= a.last) throw new InvalidValue(`ranges ${formatRange(a)} and ${formatRange(b)} overlap`);
  }
  return ranges;
}

function formatRange(r: PortRange): string {
  return r.first === r.last ? String(r.first) : `${r.first}-${r.last}`;
}

/** Formats ranges the way {@link parsePortRanges} reads them back. */
export function formatPortRanges(ranges: readonly PortRange[]): string {
  return ranges.map(formatRange).join(',');
}

/** The number of ports in `ranges` (which do not overlap). */
export function countPorts(ranges: readonly PortRange[]): number {
  return ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
}

const MODE_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * A game module's path: a non-empty string without control characters, at most 4,096 characters. Not checked
 * against the disk here: the server loads it at start.
 */
export function parseGamePath(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidValue(`expected a path to a game module, got ${describeJson(raw)}`);
  const s = raw.trim();
  if (s.length === 0 || s.length > 4096 || /\p{Cc}/u.test(s))
    throw new InvalidValue('must be the path of a game module (1..4096 characters, no control characters)');
  return s;
}

function checkMode(name: string, k: unknown, gameOptions: unknown, seen: Set<string>, game?: unknown): ModeConfig {
  if (!MODE_NAME.test(name))
    throw new InvalidValue(`mode name '${name}' must be 1..32 letters, digits, '_', '.' or '-'`);
  if (seen.has(name)) throw new InvalidValue(`mode '${name}' is given twice`);
  seen.add(name);
  let playersPerGame: number;
  try {
    playersPerGame = parseInteger(k, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  } catch {
    throw new InvalidValue(`players per game of mode '${name}' must be an integer, got '${String(k)}'`);
  }
  if (playersPerGame < 1)
    throw new InvalidValue(`players per game of mode '${name}' must be at least 1, got ${playersPerGame}`);
  if (playersPerGame > 255)
    throw new InvalidValue(`players per game of mode '${name}' must be at most 255, got ${playersPerGame}`);
  let gamePath: string | undefined;
  if (game !== undefined) {
    try {
      gamePath = parseGamePath(game);
    } catch (error) {
      throw new InvalidValue(`game of mode '${name}': ${(error as Error).message}`);
    }
  }
  const withGame = gamePath === undefined ? {} : { game: gamePath };
  if (gameOptions === undefined) return { name, playersPerGame, ...withGame };
  if (typeof gameOptions !== 'object' || gameOptions === null || Array.isArray(gameOptions)) {
    throw new InvalidValue(`gameOptions of mode '${name}' must be an object`);
  }
  return { name, playersPerGame, gameOptions: gameOptions as Record<string, unknown>, ...withGame };
}

const MODE_KEYS = ['playersPerGame', 'gameOptions', 'game'];

/**
 * Game modes: 'name:K' pairs, comma-separated ('arena:4,duel:2'); from the file also an object
 * `{ "arena": 4, "duel": { "playersPerGame": 2, "gameOptions": { ... }, "game": "./games/duel.js" } }` (`game`: the
 * mode's game module, see {@link parseGamePath}). K is an integer in 1..255; names are
 * unique, 1..32 of `[A-Za-z0-9_.-]`; the first mode is the default one unless `defaultMode` says otherwise.
 */
export function parseModes(raw: unknown): ModeConfig[] {
  const seen = new Set<string>();
  const modes: ModeConfig[] = [];
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const v = value as Record<string, unknown>;
        const unknownKeys = Object.keys(v).filter((k) => !MODE_KEYS.includes(k));
        if (unknownKeys.length > 0)
          throw new InvalidValue(
            `mode '${name}' has unknown key '${unknownKeys[0]}' (expected ${MODE_KEYS.join(', ')})`,
          );
        modes.push(checkMode(name, v['playersPerGame'], v['gameOptions'], seen, v['game']));
      } else {
        modes.push(checkMode(name, value, undefined, seen));
      }
    }
  } else {
    for (const part of text(raw).split(',')) {
      const m = /^\s*([^:]*?)\s*:\s*(.*?)\s*$/.exec(part);
      if (m === null) throw new InvalidValue(`'${part.trim()}' is not name:K (for example arena:4)`);
      modes.push(checkMode(m[1]!, m[2]!, undefined, seen));
    }
  }
  if (modes.length === 0) throw new InvalidValue('at least one mode is needed');
  return modes;
}

/** Formats modes the way {@link parseModes} reads them back (game options are left out). */
export function formatModes(modes: readonly ModeConfig[]): string {
  return modes.map((m) => `${m.name}:${m.playersPerGame}`).join(',');
}

/** A mode name (checked against the configured modes later). */
export function parseModeName(raw: unknown): string {
  const s = text(raw);
  if (!MODE_NAME.test(s)) throw new InvalidValue(`must be a mode name: 1..32 letters, digits, '_', '.' or '-'`);
  return s;
}
