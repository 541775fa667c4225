// Validation of the options given to `new Matchmaker()`.
import { MatchmakerError, MatchmakerErrorCode } from './errors.js';

/** A validated mode: its name and K. */
export interface ParsedMode {
  readonly name: string;
  readonly playersPerGame: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Checks the matchmaker options and returns the modes in key order.
 * Throws `E_INVALID_CONFIG` when options or `modes` is not an object, `modes` has no key or a mode is not an object;
 * `E_INVALID_GROUP_SIZE` when a `playersPerGame` is not a safe integer >= 1.
 */
export function parseModes(options: unknown): ParsedMode[] {
  if (!isObject(options) || !isObject(options['modes'])) {
    throw new MatchmakerError(MatchmakerErrorCode.INVALID_CONFIG, 'options.modes must be an object of modes');
  }
  const modes = options['modes'];
  const parsed: ParsedMode[] = [];
  for (const name of Object.keys(modes)) {
    const mode = modes[name];
    if (!isObject(mode)) {
      throw new MatchmakerError(MatchmakerErrorCode.INVALID_CONFIG, `mode '${name}' must be an object`);
    }
    const playersPerGame = mode['playersPerGame'];
    if (typeof playersPerGame !== 'number' || !Number.isSafeInteger(playersPerGame) || playersPerGame < 1) {
      throw new MatchmakerError(
        MatchmakerErrorCode.INVALID_GROUP_SIZE,
        `mode '${name}': playersPerGame must be an integer >= 1, got ${String(playersPerGame)}`,
      );
    }
    parsed.push({ name, playersPerGame });
  }
  if (parsed.length === 0) {
    throw new MatchmakerError(MatchmakerErrorCode.INVALID_CONFIG, 'options.modes must configure at least one mode');
  }
  return parsed;
}
