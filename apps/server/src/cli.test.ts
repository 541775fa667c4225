import { describe, expect, it } from 'vitest';
import { helpText, parseCommandLine } from './cli.js';
import { CONFIG_ENV, SETTING_LIST } from './config-schema.js';

describe('--help', () => {
  const help = helpText();

  it('documents every setting: its flag, environment variable and default', () => {
    const squashed = help.replace(/\s+/g, ' ');
    for (const spec of SETTING_LIST) {
      expect(help).toContain(`${spec.flag} ${spec.placeholder}`);
      expect(squashed).toContain(`env ${spec.env};`);
      expect(squashed).toContain(`default: ${spec.defaultDoc})`);
      expect(squashed).toContain(spec.doc.split(' ').slice(0, 4).join(' '));
    }
    expect(squashed).toContain(CONFIG_ENV);
    expect(squashed).toContain('--config <file>');
    expect(squashed).toContain('SIGTERM');
  });

  it('--help and -h print the help on stdout with exit code 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = parseCommandLine([flag]);
      expect(r).toMatchObject({ kind: 'exit', code: 0, stream: 'stdout' });
      if (r.kind === 'exit') expect(r.output).toContain('--udp-ports <ranges>');
    }
  });

  it('--version prints the version', () => {
    expect(parseCommandLine(['--version'], '1.2.3')).toEqual({
      kind: 'exit',
      code: 0,
      output: '1.2.3\n',
      stream: 'stdout',
    });
  });
});

describe('parseCommandLine', () => {
  it('returns the flags given, as strings, keyed by setting', () => {
    expect(
      parseCommandLine(['--udp-ports', '7801-7808', '--log-level=debug', '-c', 'x.json', '--print-config']),
    ).toEqual({
      kind: 'run',
      flags: { udpPorts: '7801-7808', logLevel: 'debug' },
      configFlag: 'x.json',
      printConfig: true,
    });
    expect(parseCommandLine([])).toEqual({ kind: 'run', flags: {}, configFlag: undefined, printConfig: false });
  });

  it('skips a leading -- (pnpm start -- --port 7800 passes it through)', () => {
    expect(parseCommandLine(['--', '--port', '7800', '--log-level', 'debug'])).toEqual({
      kind: 'run',
      flags: { port: '7800', logLevel: 'debug' },
      configFlag: undefined,
      printConfig: false,
    });
    expect(parseCommandLine(['--', '--bogus'])).toMatchObject({ kind: 'exit', code: 2 });
    expect(parseCommandLine(['--port', '1', '--', 'x'])).toMatchObject({ kind: 'exit', code: 2 });
  });

  it('a later flag wins over an earlier one', () => {
    const r = parseCommandLine(['--port', '1', '--port', '2']);
    expect(r.kind === 'run' && r.flags.port).toBe('2');
  });

  it.each([
    [['--bogus'], "invalid command line: unknown option '--bogus'"],
    [['--port'], "invalid command line: option '--port <port>' argument missing"],
    [['serve'], 'invalid command line: too many arguments'],
  ])('%o is a usage error with exit code 2', (argv, message) => {
    const r = parseCommandLine(argv);
    expect(r).toMatchObject({ kind: 'exit', code: 2, stream: 'stderr' });
    if (r.kind === 'exit') {
      expect(r.output.startsWith(message)).toBe(true);
      expect(r.output).toContain('--help');
    }
  });
});

describe('the command named in help and hints', () => {
  it('is the one given (how the server was run), proj-server by default', () => {
    expect(parseCommandLine(['--bogus'], '0.0.0', 'pnpm start')).toMatchObject({
      kind: 'exit',
      code: 2,
      output: "invalid command line: unknown option '--bogus'\n(see pnpm start --help)\n",
    });
    expect(parseCommandLine(['--bogus'])).toMatchObject({
      output: expect.stringContaining('(see proj-server --help)'),
    });
    const help = helpText('0.0.0', 'node apps/server/dist/main.js');
    expect(help).toMatch(/^Usage: node apps\/server\/dist\/main\.js \[options\]/);
    expect(help).toContain('  node apps/server/dist/main.js --port 7700 --udp-ports 7701-7716');
    expect(help).not.toContain('proj-server');
  });
});
