import type { ParentToChildMessage } from '@proj/protocol';

/**
 * The IPC contract between a {@link ForkServerSpawner} (in the orchestrator) and its fork server process. Each child
 * is named by an id the spawner picks; the fork server relays the children's IPC messages both ways, unchanged,
 * in order, and reports each child's exit after its last message.
 */

/** How the fork server forks every child (sent once, first). */
export interface ForkServerConfig {
  readonly entry: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  /** Undefined: the fork server's own environment (which is the orchestrator's). */
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly cwd: string | undefined;
  readonly stdio: 'inherit' | 'ignore';
  /** The nice value each child gets right after its fork (0: the fork server's own priority). */
  readonly childNice: number;
}

/** Orchestrator -> fork server. */
export type ToForkServer =
  | { readonly type: 'configure'; readonly config: ForkServerConfig }
  | { readonly type: 'spawn'; readonly id: number }
  | { readonly type: 'send'; readonly id: number; readonly message: ParentToChildMessage }
  | { readonly type: 'kill'; readonly id: number; readonly signal: NodeJS.Signals };

/** Fork server -> orchestrator. */
export type FromForkServer =
  | { readonly type: 'spawned'; readonly id: number; readonly pid: number }
  | { readonly type: 'message'; readonly id: number; readonly message: unknown }
  | {
      readonly type: 'exit';
      readonly id: number;
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      /** Set when the process could not be started: the error's message. */
      readonly error?: string;
    };

/** The message, when `value` is a well-formed {@link FromForkServer}; undefined otherwise. */
export function parseFromForkServer(value: unknown): FromForkServer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m['id'] !== 'number' || !Number.isSafeInteger(m['id'])) return undefined;
  switch (m['type']) {
    case 'spawned':
      return typeof m['pid'] === 'number' ? (m as unknown as FromForkServer) : undefined;
    case 'message':
      return m as unknown as FromForkServer;
    case 'exit': {
      const codeOk = m['code'] === null || typeof m['code'] === 'number';
      const signalOk = m['signal'] === null || typeof m['signal'] === 'string';
      const errorOk = m['error'] === undefined || typeof m['error'] === 'string';
      return codeOk && signalOk && errorOk ? (m as unknown as FromForkServer) : undefined;
    }
    default:
      return undefined;
  }
}
