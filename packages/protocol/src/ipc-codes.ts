// How a child game process ends: its exit codes, part of the IPC contract (see ipc-messages.ts).

/** Exit codes of a child game process, so the parent knows why it ended without parsing logs. */
export const GameExitCode = {
  /** The game was played to its end. */
  GAME_OVER: 0,
  /** Uncaught error (Node's own code for an uncaught exception). */
  CRASHED: 1,
  /** Nobody joined before the join deadline. */
  NO_PLAYERS: 10,
  /** Every player left or went silent. */
  ALL_LEFT: 11,
  /** The parent orchestrator went away (IPC channel closed). */
  PARENT_GONE: 12,
  /** The UDP port could not be bound. */
  BIND_FAILED: 13,
  /** The `start` message was invalid. */
  BAD_START: 14,
  /** The game reached its maximum duration. */
  MAX_DURATION: 15,
  /** The orchestrator asked the child to stop. */
  SHUTDOWN: 16,
} as const;
/** A value of {@link GameExitCode}. */
export type GameExitCode = (typeof GameExitCode)[keyof typeof GameExitCode];

const exitCodeNames = new Map<number, string>(Object.entries(GameExitCode).map(([name, code]) => [code, name]));

/** The name of a child's exit code ('GAME_OVER', 'NO_PLAYERS', ...), or `EXIT_<n>` for an unknown one. */
export function describeGameExitCode(code: number): string {
  return exitCodeNames.get(code) ?? `EXIT_${code}`;
}
