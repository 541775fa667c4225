import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBots } from './bots.js';
import { runLoadtest } from './loadtest.js';
import { runPlay } from './play.js';

/** The process pieces the commands use (the real process by default; fakes in tests). */
export interface CliIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Sets the exit code the process ends with. */
  readonly setExitCode: (code: number) => void;
}

const defaultIo: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function intArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max}]`);
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (m === null) throw new InvalidArgumentError('expected a duration such as 500ms, 30s or 5m');
  const unit = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1;
  const ms = Number(m[1]) * unit;
  if (ms <= 0 || ms > 2 ** 31 - 1) throw new InvalidArgumentError('duration out of range');
  return Math.round(ms);
}

/** The server options every command takes. */
function serverOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--host <host>', 'orchestrator host').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'orchestrator TCP port').default(7700).argParser(intArg(1, 65535)))
    .option('--mode <mode>', 'game mode to queue for (default: the server default mode)');
}

/**
 * Runs SIGINT/SIGTERM as an abort of `controller` (the first time; a second one exits at once with 130).
 * Returns a function that removes the handlers.
 */
function abortOnSignals(controller: AbortController): () => void {
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Builds the `proj-play` command line: `play`, `bots` and `loadtest`, each with --help. */
export function createProgram(io: CliIo = defaultIo): Command {
  const program = new Command('proj-play')
    .description('Terminal client of the game-session server: play the arena, run bots, load-test a server.')
    .version('0.0.0')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      'after',
      '\nExamples:\n  proj-play play --name ada\n  proj-play bots --count 3\n  proj-play loadtest --clients 40 --rate 10 --per-game 4 --json',
    );

  serverOptions(program.command('play'))
    .description(
      'Find a match and play the arena full-screen in this terminal (arrows/WASD move, space dash, x stop, q quit).',
    )
    .option(
      '--name <name>',
      'player name, 1..32 bytes, no control, format or separator characters (default: player-<random>)',
    )
    .option('--no-color', 'draw without colours (also when NO_COLOR is set)')
    .addOption(new Option('--fps <n>', 'redraws per second at most').default(20).argParser(intArg(1, 120)))
    .addOption(
      new Option(
        '--per-game <K>',
        "players per game of the mode (the server's K, in its ready line): the queue screen then counts the missing players",
      ).argParser(intArg(1, 255)),
    )
    .action(
      async (opts: {
        host: string;
        port: number;
        mode?: string;
        name?: string;
        color: boolean;
        fps: number;
        perGame?: number;
      }) => {
        const name = opts.name ?? `player-${randomBytes(2).toString('hex')}`;
        const color = opts.color && (process.env['NO_COLOR'] ?? '') === '';
        const base = { host: opts.host, port: opts.port, name, mode: opts.mode, color, fps: opts.fps };
        io.setExitCode(await runPlay(opts.perGame === undefined ? base : { ...base, perGame: opts.perGame }, io));
      },
    );

  serverOptions(program.command('bots'))
    .description('Run N headless players with a simple AI that find matches and play them to the end (demos, load).')
    .addOption(new Option('--count <n>', 'number of bots').default(4).argParser(intArg(1, 10_000)))
    .addOption(
      new Option('--games <n>', 'games each bot plays, one after the other').default(1).argParser(intArg(1, 1_000_000)),
    )
    .option('--forever', 'keep playing until interrupted (Ctrl-C)', false)
    .option('--name-prefix <prefix>', 'bot names are <prefix>-1, <prefix>-2...', 'bot')
    .option('--json', 'one JSON object per finished game instead of text', false)
    .action(
      async (opts: {
        host: string;
        port: number;
        mode?: string;
        count: number;
        games: number;
        forever: boolean;
        namePrefix: string;
        json: boolean;
      }) => {
        const controller = new AbortController();
        const off = abortOnSignals(controller);
        try {
          io.setExitCode(await runBots({ ...opts, mode: opts.mode }, io.stdout, controller.signal));
        } finally {
          off();
        }
      },
    );

  serverOptions(program.command('loadtest'))
    .description(
      'C clients arriving at rate R, K per game, each playing its game to the end with the bot AI; prints time-to-match and time-to-game percentiles, games completed, snapshots, loss and errors by code.',
    )
    .addOption(new Option('--clients <C>', 'clients in all').default(40).argParser(intArg(1, 1_000_000)))
    .addOption(new Option('--rate <R>', 'new clients per second').default(10).argParser(positiveNumber))
    .addOption(
      new Option('--per-game <K>', "players per game of the mode (the server's K)")
        .default(4)
        .argParser(intArg(1, 255)),
    )
    .addOption(
      new Option('--timeout <duration>', 'stop everything after this long (500ms, 30s, 5m)')
        .default(300_000, '5m')
        .argParser(duration),
    )
    .option('--name-prefix <prefix>', 'client names are <prefix>-1, <prefix>-2...', 'lt')
    .option('--json', 'print the report as JSON (progress still goes to stderr)', false)
    .action(
      async (opts: {
        host: string;
        port: number;
        mode?: string;
        clients: number;
        rate: number;
        perGame: number;
        timeout: number;
        namePrefix: string;
        json: boolean;
      }) => {
        const controller = new AbortController();
        const off = abortOnSignals(controller);
        try {
          const { exitCode } = await runLoadtest(
            { ...opts, mode: opts.mode, timeoutMs: opts.timeout },
            io.stdout,
            io.stderr,
            controller.signal,
          );
          io.setExitCode(exitCode);
        } finally {
          off();
        }
      },
    );
  return program;
}
