// What the admin listener serves about the games, the admission control, the warm pool and readiness: plain data,
// shared by the JSON endpoints, the monitor's snapshot and the page's script.

/** One running (or starting) game, as /games lists it. */
export interface GameInfo {
  readonly id: string;
  readonly mode: string;
  readonly port: number;
  /** Player names, in slot order. */
  readonly players: readonly string[];
  /** The child process's pid, when known. */
  readonly pid: number | undefined;
  /** 'starting' until the child reported its UDP port bound, then 'running'. */
  readonly state: 'starting' | 'running';
  /** When the game was launched (ISO 8601). */
  readonly launchedAt: string;
  /** Milliseconds since launch. */
  readonly ageMs: number;
  /** From the child's latest tick report (absent before it, about 1 s after the start): its tick rate. */
  readonly tickRateHz?: number;
  /** Tick lateness p99 over the child's latest reporting interval, ms. */
  readonly tickLateP99Ms?: number;
  /** The child's CPU use over its latest reporting interval, % of one core. */
  readonly cpuPercent?: number;
  /** Milliseconds since the child last sent anything over IPC (absent while a cold child boots). */
  readonly lastHeardMs?: number;
  /**
   * True once the child has been silent about two heartbeat intervals (2 s): frozen or starved. It is killed at
   * --child-silence-timeout.
   */
  readonly late: boolean;
}

/** The admission control's state, as /games shows it next to the games. */
export interface AdmissionInfo {
  readonly open: boolean;
  /** 'open', 'startsInFlight', 'hostCpu' or 'tickLate'. */
  readonly reason: string;
  /** Smoothed host CPU utilisation 0..1 (absent until known). */
  readonly hostCpu?: number;
  readonly startsInFlight: number;
  readonly worstTickLateMs: number;
}

/** The warm pool, as /games shows it next to the games. */
export interface WarmPoolInfo {
  /** The size it aims at now (fixed, or following demand). */
  readonly target: number;
  /** Warm children ready to take a game. */
  readonly idle: number;
  /** Warm children still starting. */
  readonly booting: number;
}

/** Readiness: ready to take players, or why not. */
export interface Readiness {
  readonly ready: boolean;
  /** 'listening', 'starting', 'draining', 'closed'. */
  readonly status: string;
}
