import { describe, expect, it } from 'vitest';
import { AdmissionController, type AdmissionSettings, TICK_REPORT_STALE_MS, readHostCpuTimes } from './admission.js';

/** A controller over scripted counts, CPU times and clock; `opened` counts the onOpen calls. */
function setup(settings: Partial<AdmissionSettings> = {}) {
  const world = { starts: 0, active: 1, now: 0, idle: 0, total: 0, opened: 0 };
  const controller = new AdmissionController(
    {
      maxConcurrentStarts: 2,
      cpuThreshold: 0.9,
      maxTickLateTicks: 1,
      sampleIntervalMs: 500,
      readCpuTimes: () => ({ idle: world.idle, total: world.total }),
      now: () => world.now,
      ...settings,
    },
    { startsInFlight: () => world.starts, activeGames: () => world.active },
    () => world.opened++,
  );
  /** Advances the host by `ms` per core on 2 cores with `busy` (0..1) utilisation, then samples. */
  const cpu = (busy: number, ms = 500): void => {
    world.total += 2 * ms;
    world.idle += 2 * ms * (1 - busy);
    world.now += ms;
    controller.sample();
  };
  /** The first report of each game: its start-up second, which the controller sets aside (here a very late one). */
  const startUp = (...games: string[]): void => {
    for (const game of games) controller.reportTicks(game, 30, 1_000);
  };
  return { world, controller, cpu, startUp };
}

describe('AdmissionController', () => {
  it('says the host has room unless its CPU or a late game holds, whatever the starts in flight, and arms nothing', () => {
    const { world, controller, cpu, startUp } = setup();
    startUp('late game');
    world.starts = 2; // the start bound is the warm pool's own business (its start slots)
    expect(controller.hostHasRoom()).toBe(true);
    controller.reportTicks('late game', 20, 120); // 2.4 ticks late at 20 Hz, over the 1-tick limit
    expect(controller.hostHasRoom()).toBe(false);
    controller.reportTicks('late game', 20, 40); // back under one tick
    expect(controller.hostHasRoom()).toBe(true);
    cpu(1);
    cpu(1);
    expect(controller.hostHasRoom()).toBe(false);
    cpu(0);
    cpu(0);
    cpu(0);
    expect(controller.hostHasRoom()).toBe(true);
    // Asking never arms onOpen (only admits() does).
    expect(world.opened).toBe(0);
  });

  it('bounds the cold starts in flight, and opens again when one settles', () => {
    const { world, controller } = setup();
    world.starts = 1;
    expect(controller.admits()).toBe(true);
    world.starts = 2;
    expect(controller.admits()).toBe(false);
    expect(controller.state()).toMatchObject({ open: false, reason: 'startsInFlight', startsInFlight: 2 });
    controller.recheck();
    expect(world.opened).toBe(0);
    world.starts = 1;
    controller.recheck();
    expect(world.opened).toBe(1);
    // Called once per hold, not at every recheck.
    controller.recheck();
    expect(world.opened).toBe(1);
    // A warm child's start is not a cold start: the starts in flight do not hold it.
    world.starts = 2;
    expect(controller.admits(true)).toBe(true);
  });

  it('holds while the smoothed host CPU is at or over the threshold, and opens on the sample that clears it', () => {
    const { world, controller, cpu } = setup();
    cpu(1); // the first sample is a baseline only
    expect(controller.state().hostCpu).toBeUndefined();
    cpu(1);
    expect(controller.state().hostCpu).toBe(1);
    expect(controller.admits()).toBe(false);
    expect(controller.state().reason).toBe('hostCpu');
    cpu(0.9); // smoothed: 0.95
    expect(world.opened).toBe(0);
    cpu(0.5); // smoothed: 0.725
    expect(controller.state().hostCpu).toBeCloseTo(0.725);
    expect(world.opened).toBe(1);
    expect(controller.admits()).toBe(true);
  });

  it('never starves: with no game starting or running it admits one, whatever the CPU and the tick reports', () => {
    const { world, controller, cpu, startUp } = setup();
    startUp('old');
    cpu(1);
    cpu(1);
    controller.reportTicks('old', 30, 500);
    world.active = 0;
    expect(controller.admits()).toBe(true);
    world.active = 1;
    expect(controller.admits()).toBe(false);
  });

  it('the CPU check is off at 0 and at 1', () => {
    for (const cpuThreshold of [0, 1]) {
      const { controller, cpu } = setup({ cpuThreshold });
      cpu(1);
      cpu(1);
      expect(controller.state().hostCpu).toBeUndefined();
      expect(controller.admits()).toBe(true);
    }
  });

  it('holds while the worst recent tick lateness p99 of a running game is over one tick, until it recovers or ends', () => {
    const { world, controller, startUp } = setup();
    startUp('a', 'b');
    controller.reportTicks('a', 30, 20);
    controller.reportTicks('b', 20, 40);
    expect(controller.admits()).toBe(true); // 0.6 and 0.8 of a tick
    controller.reportTicks('a', 30, 50); // 1.5 ticks late
    expect(controller.admits()).toBe(false);
    expect(controller.state()).toMatchObject({ reason: 'tickLate', worstTickLateMs: 50 });
    controller.reportTicks('b', 20, 60); // 1.2 ticks: 'a' is still the worst
    controller.reportTicks('a', 30, 10);
    expect(world.opened).toBe(0);
    expect(controller.state()).toMatchObject({ reason: 'tickLate', worstTickLateMs: 60 });
    controller.forgetGame('b');
    controller.recheck();
    expect(world.opened).toBe(1);
    expect(controller.state()).toMatchObject({ open: true, worstTickLateMs: 10 });
  });

  it("sets a game's first report aside (its start-up), counts the next ones, and starts over for a new game", () => {
    const { controller } = setup();
    controller.reportTicks('a', 20, 500); // 10 ticks late, but the game's first second
    expect(controller.admits()).toBe(true);
    expect(controller.state().worstTickLateMs).toBe(0);
    controller.reportTicks('a', 20, 500);
    expect(controller.admits()).toBe(false);
    controller.forgetGame('a');
    controller.reportTicks('a', 20, 500); // a new game under the same key: its first report again
    expect(controller.admits()).toBe(true);
  });

  it('a report that grew stale no longer holds admission', () => {
    const { world, controller, startUp } = setup();
    startUp('a');
    controller.reportTicks('a', 30, 100);
    expect(controller.admits()).toBe(false);
    world.now += TICK_REPORT_STALE_MS + 1;
    controller.sample();
    expect(world.opened).toBe(1);
    expect(controller.state()).toMatchObject({ open: true, worstTickLateMs: 0 });
  });

  it('the tick check is off at 0 and takes a multiple of the tick period', () => {
    const off = setup({ maxTickLateTicks: 0 });
    off.startUp('a');
    off.controller.reportTicks('a', 30, 1_000);
    expect(off.controller.admits()).toBe(true);
    const two = setup({ maxTickLateTicks: 2 });
    two.startUp('a');
    two.controller.reportTicks('a', 30, 60);
    expect(two.controller.admits()).toBe(true);
    two.controller.reportTicks('a', 30, 70);
    expect(two.controller.admits()).toBe(false);
  });

  it('reads the real host CPU times', () => {
    const times = readHostCpuTimes();
    expect(times.total).toBeGreaterThan(0);
    expect(times.idle).toBeLessThanOrEqual(times.total);
  });
});
