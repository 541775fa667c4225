import { Command, CommanderError, Option } from 'commander';
import { CONFIG_ENV, SETTING_LIST, type SettingKey } from './config-schema.js';

/** The bin's name, as installed by package.json "bin". */
export const BIN_NAME = 'proj-server';

/** What the command line asks for. */
export type CommandLine =
  | {
      readonly kind: 'run';
      /** Setting flags as given (strings), keyed by setting. */
      readonly flags: Readonly<Partial<Record<SettingKey, string>>>;
      /** The --config flag, if given. */
      readonly configFlag: string | undefined;
      /** --print-config: print the resolved configuration as JSON and exit. */
      readonly printConfig: boolean;
    }
  | {
      /** --help, --version or a usage error: print `output` and exit with `code` (0, or 2 for a usage error). */
      readonly kind: 'exit';
      readonly code: number;
      readonly output: string;
      readonly stream: 'stdout' | 'stderr';
    };

/** The text after the options; `name` is how the user ran the server (see invocationName). */
const afterHelp = (name: string): string => `
Every setting can come from (highest precedence first) its flag, its environment
variable, a JSON config file (--config or ${CONFIG_ENV}) whose keys are the setting
names in camelCase ("udpPorts", "logLevel", ...), or the embedded default.
Durations take ms, s, m or h (500ms, 10s, 2m); a bare number is milliseconds.
In the config file, "modes" may also be an object with per-mode game options:
  { "modes": { "arena": { "playersPerGame": 4, "gameOptions": { "scoreToWin": 30 } } } }

Signals: SIGTERM or SIGINT drains (no new players, running games finish within
--drain-timeout, then are stopped); a second signal (after the first 500 ms)
stops at once. When a wrapper it was started by (pnpm, sh -c) is gone, the
server stops its games at once.
Exit codes: 0 after a clean shutdown, 1 on a start or runtime failure, 2 on a bad
command line or configuration.

Example:
  ${name} --port 7700 --udp-ports 7701-7716 --modes arena:4,duel:2
  PROJ_LOG_LEVEL=debug ${name} --config server.json
`;

/**
 * Builds the commander program: one option per setting, documented with its env variable and default. `name` is
 * the command the help shows (default {@link BIN_NAME}; the bin passes how it was run, e.g. `pnpm start`).
 */
export function createProgram(version: string, name: string = BIN_NAME): Command {
  const program = new Command(name)
    .description(
      'Open game-session server: players connect over TCP, are matched FIFO per mode, and play each game with ' +
        'its own child process over UDP (one UDP port per game; the ports cap concurrent games).',
    )
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .allowExcessArguments(false)
    .exitOverride();
  for (const spec of SETTING_LIST) {
    program.addOption(
      new Option(
        `${spec.flag} ${spec.placeholder}`,
        `${spec.doc}\n(env ${spec.env}; default: ${spec.defaultDoc})`,
      ).helpGroup(`${spec.group}:`),
    );
  }
  program.addOption(
    new Option('-c, --config <file>', `JSON config file of settings (env ${CONFIG_ENV}).`).helpGroup('Other:'),
  );
  program.addOption(
    new Option('--print-config', 'print the resolved configuration as JSON and exit.').helpGroup('Other:'),
  );
  program.addHelpText('after', afterHelp(name));
  return program;
}

/** The complete --help text, naming the command `name` (default {@link BIN_NAME}). */
export function helpText(version = '0.0.0', name: string = BIN_NAME): string {
  return createProgram(version, name).helpInformation() + afterHelp(name);
}

/**
 * Reads the command line (`argv` without the node binary and the script). Never exits the process and never throws:
 * --help, --version and usage errors come back as `{ kind: 'exit' }` with what to print. A leading `--` is skipped:
 * `pnpm start -- --port 7800` hands it to the bin as is (npm's habit), and the bin takes no operands anyway. `name`
 * is the command that --help and the hint of a usage error name (default {@link BIN_NAME}).
 */
export function parseCommandLine(argv: readonly string[], version = '0.0.0', name: string = BIN_NAME): CommandLine {
  const program = createProgram(version, name);
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let out = '';
  program.configureOutput({
    writeOut: (s) => {
      out += s;
    },
    // Dropped: an error is reported below, from error.message, in our own words.
    writeErr: () => undefined,
    outputError: (s, write) => write(s),
  });
  try {
    program.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { kind: 'exit', code: 0, output: out, stream: 'stdout' };
      const message = error.message.replace(/^error: /, '');
      return {
        kind: 'exit',
        code: 2,
        output: `invalid command line: ${message}\n(see ${name} --help)\n`,
        stream: 'stderr',
      };
    }
    throw error;
  }
  const opts = program.opts<Record<string, string | boolean | undefined>>();
  const flags: Partial<Record<SettingKey, string>> = {};
  for (const spec of SETTING_LIST) {
    const v = opts[spec.key];
    if (typeof v === 'string') flags[spec.key] = v;
  }
  const config = opts['config'];
  return {
    kind: 'run',
    flags,
    configFlag: typeof config === 'string' ? config : undefined,
    printConfig: opts['printConfig'] === true,
  };
}
