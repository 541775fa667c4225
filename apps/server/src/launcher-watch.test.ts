import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ProcessTable, findLaunchers, isWrapper, procTable, watchLaunchers } from './launcher-watch.js';

/** A fake process table: pid -> argv, parent and start time. */
function table(
  processes: Record<number, { argv: string[]; ppid: number; startTime?: string }>,
): ProcessTable & { kill(pid: number): void } {
  const procs = new Map(Object.entries(processes).map(([pid, p]) => [Number(pid), p]));
  return {
    argv: (pid) => procs.get(pid)?.argv,
    stat: (pid) => {
      const p = procs.get(pid);
      return p === undefined ? undefined : { ppid: p.ppid, startTime: p.startTime ?? `t${pid}` };
    },
    kill: (pid) => void procs.delete(pid),
  };
}

describe('isWrapper', () => {
  it.each([
    [['node', '/usr/bin/pnpm', 'start'], true],
    [['/usr/local/bin/pnpm', '--filter', '@proj/server', 'start'], true],
    [['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'start'], true],
    [['node', '/x/yarn.js', 'start'], true],
    [['npx', 'proj-server'], true],
    [['sh', '-c', 'turbo run build && node dist/main.js'], true],
    [['/bin/bash', '-ec', 'node dist/main.js'], true],
    [['-bash'], false],
    [['bash'], false],
    [['/usr/bin/tmux', 'new-session'], false],
    [['/sbin/init'], false],
    [['node', 'dist/main.js'], false],
    [['node', '/work/node_modules/vitest/dist/workers/forks.js'], false],
    [[], false],
  ])('%o -> %s', (argv, expected) => {
    expect(isWrapper(argv)).toBe(expected);
  });
});

describe('findLaunchers', () => {
  it('walks up the wrappers of `pnpm start` and stops at the first ancestor that is not one', () => {
    const t = table({
      100: { argv: ['-bash'], ppid: 1 },
      200: { argv: ['node', '/usr/bin/pnpm', 'start'], ppid: 100 },
      210: { argv: ['sh', '-c', 'pnpm --filter @proj/server start'], ppid: 200 },
      220: { argv: ['node', '/usr/bin/pnpm', '--filter', '@proj/server', 'start'], ppid: 210 },
      230: { argv: ['sh', '-c', 'turbo run build && node dist/main.js'], ppid: 220 },
    });
    expect(findLaunchers(t, 230).map((l) => l.pid)).toEqual([230, 220, 210, 200]);
    expect(findLaunchers(t, 230)[0]).toEqual({
      pid: 230,
      startTime: 't230',
      command: 'sh -c turbo run build && node dist/main.js',
    });
  });

  it('leaves out the shells above the outermost package manager, and is empty without a package manager', () => {
    const t = table({
      100: { argv: ['bash', '-c', 'nohup pnpm start &'], ppid: 1 },
      200: { argv: ['node', '/usr/bin/pnpm', 'start'], ppid: 100 },
      210: { argv: ['sh', '-c', 'node dist/main.js'], ppid: 200 },
      300: { argv: ['sh', '-c', 'node dist/main.js &'], ppid: 100 },
    });
    expect(findLaunchers(t, 210).map((l) => l.pid)).toEqual([210, 200]);
    expect(findLaunchers(t, 300)).toEqual([]);
  });

  it('is empty when the server was started directly, by init, or where processes cannot be read', () => {
    const t = table({ 100: { argv: ['-bash'], ppid: 1 }, 1: { argv: ['/sbin/init'], ppid: 0 } });
    expect(findLaunchers(t, 100)).toEqual([]);
    expect(findLaunchers(t, 1)).toEqual([]);
    expect(findLaunchers(t, 999)).toEqual([]);
  });

  it.runIf(existsSync('/proc/self/stat'))('reads this process and its parent from /proc', () => {
    expect(procTable.argv(process.pid)).toContain(process.argv[1]);
    expect(procTable.stat(process.pid)?.ppid).toBe(process.ppid);
    expect(procTable.stat(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('watchLaunchers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls back once when a launcher is gone or its pid was reused', () => {
    vi.useFakeTimers();
    const t = table({ 200: { argv: ['pnpm'], ppid: 1 }, 210: { argv: ['sh', '-c', 'x'], ppid: 200 } });
    expect(findLaunchers(t, 210).map((l) => l.pid)).toEqual([210, 200]);
    const gone = vi.fn();
    watchLaunchers(findLaunchers(t, 210), gone, { table: t, intervalMs: 100 });
    vi.advanceTimersByTime(1000);
    expect(gone).not.toHaveBeenCalled();
    t.kill(200);
    vi.advanceTimersByTime(100);
    expect(gone).toHaveBeenCalledTimes(1);
    expect(gone.mock.calls[0]![0]).toMatchObject({ pid: 200 });
    vi.advanceTimersByTime(1000);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('tells a reused pid from the launcher by its start time; stops when asked', () => {
    vi.useFakeTimers();
    const before = table({ 200: { argv: ['pnpm'], ppid: 1, startTime: '5' } });
    const launchers = findLaunchers(before, 200);
    const after = table({ 200: { argv: ['something-else'], ppid: 1, startTime: '9' } });
    const gone = vi.fn();
    watchLaunchers(launchers, gone, { table: after, intervalMs: 100 });
    vi.advanceTimersByTime(100);
    expect(gone).toHaveBeenCalledTimes(1);

    const stillThere = vi.fn();
    const stop = watchLaunchers(launchers, stillThere, { table: table({}), intervalMs: 100 });
    stop();
    vi.advanceTimersByTime(1000);
    expect(stillThere).not.toHaveBeenCalled();
  });
});
