import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgram, type CliIo } from './program.js';

function capture(): { io: CliIo; out: () => string; err: () => string; code: () => number | undefined } {
  let out = '';
  let err = '';
  let code: number | undefined;
  const sink = (append: (s: string) => void): NodeJS.WriteStream =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    }) as unknown as NodeJS.WriteStream;
  const io: CliIo = {
    stdin: process.stdin,
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    setExitCode: (c) => (code = c),
  };
  return { io, out: () => out, err: () => err, code: () => code };
}

async function run(
  args: string[],
): Promise<{ out: string; err: string; exitCode: number | undefined; thrown: unknown }> {
  const c = capture();
  const program = createProgram(c.io).exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  let thrown: unknown;
  try {
    await program.parseAsync(['node', 'proj-play', ...args]);
  } catch (error) {
    thrown = error;
  }
  return { out: c.out(), err: c.err(), exitCode: c.code(), thrown };
}

describe('proj-play command line', () => {
  it('has --help for the program and every command, listing its options', async () => {
    const top = await run(['--help']);
    for (const cmd of ['play', 'bots', 'loadtest']) expect(top.out).toContain(cmd);
    const expected: Record<string, string[]> = {
      play: ['--host', '--port', '--mode', '--name', '--no-color', '--fps'],
      bots: ['--host', '--port', '--mode', '--count', '--games', '--forever', '--name-prefix', '--json'],
      loadtest: ['--host', '--port', '--mode', '--clients', '--rate', '--per-game', '--timeout', '--json'],
    };
    for (const [cmd, flags] of Object.entries(expected)) {
      const { out } = await run([cmd, '--help']);
      expect(out).toContain(`Usage: proj-play ${cmd}`);
      for (const flag of flags) expect(out).toContain(flag);
    }
  });

  it('refuses bad values with a message', async () => {
    const bad = await run(['bots', '--count', '0']);
    expect(bad.err).toContain("option '--count <n>' argument '0' is invalid");
    expect((await run(['loadtest', '--rate', '-1'])).err).toContain('expected a positive number');
    expect((await run(['loadtest', '--timeout', 'soon'])).err).toContain('expected a duration');
    expect((await run(['play', '--port', '70000'])).err).toContain('expected an integer in [1, 65535]');
  });

  it('play refuses to run without a terminal (exit code 2)', async () => {
    const c = capture();
    const stdin = Object.assign(Object.create(process.stdin) as NodeJS.ReadStream, { isTTY: false });
    const program = createProgram({ ...c.io, stdin });
    await program.parseAsync(['node', 'proj-play', 'play']);
    expect(c.code()).toBe(2);
    expect(c.err()).toContain('play needs an interactive terminal');
  });
});
