// Starting orchestrators for the integration tests, recording their events, and closing everything afterwards.
import {
  type Orchestrator,
  type OrchestratorEvents,
  type OrchestratorOptions,
  createOrchestrator,
} from '../../src/index.js';
import { FixtureSpawner } from './fixture-spawner.js';
import { freeUdpPortRange } from '@proj/test-utils';
import { TestClient } from './test-client.js';

// Every event, checked by the compiler: a new event must be added here to be recorded.
const RECORDED: Record<keyof OrchestratorEvents, true> = {
  listening: true,
  clientConnected: true,
  clientRejected: true,
  frameRejected: true,
  playerQueued: true,
  playerLeft: true,
  seatBackfilled: true,
  gameStarting: true,
  gameStarted: true,
  gameLaunchFailed: true,
  gameEndRequested: true,
  gameEnded: true,
  playersNoShow: true,
  childUnresponsive: true,
  childPacketStats: true,
  childTickStats: true,
  portAcquired: true,
  portReleased: true,
  portQuarantined: true,
  childSpawned: true,
  warmChildReady: true,
  childExited: true,
  playerMatchedRemotely: true,
  queueAvailability: true,
  queueBackendFailed: true,
  shutdown: true,
};
const EVENT_NAMES = Object.keys(RECORDED) as (keyof OrchestratorEvents)[];

type Recorded = {
  [E in keyof OrchestratorEvents]: { name: E; payload: OrchestratorEvents[E] };
}[keyof OrchestratorEvents];

/** An orchestrator under test with its recorded events. */
export interface Harness {
  readonly orchestrator: Orchestrator;
  readonly port: number;
  readonly spawner: FixtureSpawner;
  readonly ports: { first: number; last: number };
  readonly events: Recorded[];
  /** The payloads of every recorded `name` event. */
  all<E extends keyof OrchestratorEvents>(name: E): OrchestratorEvents[E][];
  /** Resolves with the first `name` event (past or future) matching `predicate`. */
  waitFor<E extends keyof OrchestratorEvents>(
    name: E,
    predicate?: (payload: OrchestratorEvents[E]) => boolean,
    timeoutMs?: number,
  ): Promise<OrchestratorEvents[E]>;
  /** Resolves once `count` `name` events were recorded. */
  waitForCount<E extends keyof OrchestratorEvents>(
    name: E,
    count: number,
    timeoutMs?: number,
  ): Promise<OrchestratorEvents[E][]>;
  /** Connects a client (closed by `cleanup`). */
  connect(): Promise<TestClient>;
  /** Connects a client, says hello and waits for its first queued message. */
  queued(name: string, mode?: string): Promise<TestClient>;
  /**
   * Checks the port events so far: every port a game acquired went back exactly once (one `portReleased` or one
   * `portQuarantined` for that game and port), except for the games in `stillHolding`. Returns the problems found
   * (an empty list when all is well), so a test can `expect(h.portProblems()).toEqual([])`.
   */
  portProblems(stillHolding?: readonly string[]): string[];
}

const open: { orchestrators: Orchestrator[]; clients: TestClient[] } = { orchestrators: [], clients: [] };

/** Starts an orchestrator on 127.0.0.1:0 over a fresh free UDP port range, with the fixture spawner. */
export async function startHarness(
  options: Partial<OrchestratorOptions> & { portCount?: number; spawner?: FixtureSpawner } = {},
): Promise<Harness> {
  const ports = await freeUdpPortRange(options.portCount ?? 4);
  const spawner = options.spawner ?? new FixtureSpawner();
  const { portCount: _portCount, ...rest } = options;
  // The host CPU check is off unless a test asks for it: these tests share a loaded machine, and what they check
  // must not depend on what else runs on it.
  const orchestrator = createOrchestrator({
    ports,
    host: '127.0.0.1',
    port: 0,
    admissionCpuThreshold: 0,
    ...rest,
    spawner,
  });
  open.orchestrators.push(orchestrator);
  const events: Recorded[] = [];
  const waiters = new Set<() => void>();
  for (const name of EVENT_NAMES) {
    orchestrator.on(name, (payload) => {
      events.push({ name, payload } as Recorded);
      for (const waiter of [...waiters]) waiter();
    });
  }
  const all = <E extends keyof OrchestratorEvents>(name: E): OrchestratorEvents[E][] =>
    events.filter((e) => e.name === name).map((e) => e.payload as OrchestratorEvents[E]);
  const until = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const waiter = (): void => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      waiters.add(waiter);
      waiter();
    });
  const { port } = await orchestrator.listen();
  return {
    orchestrator,
    port,
    spawner,
    ports,
    events,
    all,
    waitFor: (name, predicate = () => true, timeoutMs = 20_000) =>
      until(() => all(name).find(predicate), name, timeoutMs),
    waitForCount: (name, count, timeoutMs = 20_000) =>
      until(() => (all(name).length >= count ? all(name) : undefined), `${count} x ${name}`, timeoutMs),
    connect: async () => {
      const client = await TestClient.connect(port);
      open.clients.push(client);
      return client;
    },
    portProblems: (stillHolding = []) => {
      const problems: string[] = [];
      const acquired = new Map<string, number>();
      for (const e of all('portAcquired')) {
        if (acquired.has(e.gameId)) problems.push(`game ${e.gameId} acquired a second port`);
        acquired.set(e.gameId, e.port);
      }
      const back = [...all('portReleased'), ...all('portQuarantined')];
      for (const [gameId, port] of acquired) {
        const returns = back.filter((e) => e.gameId === gameId);
        const expected = stillHolding.includes(gameId) ? 0 : 1;
        if (returns.length !== expected)
          problems.push(`game ${gameId} gave port ${port} back ${returns.length} times (expected ${expected})`);
        for (const r of returns)
          if (r.port !== port) problems.push(`game ${gameId} gave back port ${r.port}, not its ${port}`);
      }
      for (const e of back)
        if (!acquired.has(e.gameId)) problems.push(`port ${e.port} given back for unknown game ${e.gameId}`);
      return problems;
    },
    queued: async (name, mode) => {
      const client = await TestClient.connect(port);
      open.clients.push(client);
      client.hello(name, mode);
      await client.next('queued');
      return client;
    },
  };
}

/** Closes every client and orchestrator opened by the harness (call in afterEach). */
export async function cleanup(): Promise<void> {
  for (const client of open.clients.splice(0)) client.destroy();
  await Promise.all(open.orchestrators.splice(0).map((o) => o.close({ drainMs: 0 })));
}
