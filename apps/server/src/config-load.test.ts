import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from './config-load.js';
import { SETTING_LIST } from './config-schema.js';
import { ServerConfigError } from './errors.js';

function files(map: Record<string, string>): (path: string) => string {
  return (path) => {
    const key = Object.keys(map).find((k) => path.endsWith(k));
    if (key === undefined)
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return map[key]!;
  };
}

/** The one-line message loadConfig throws, or fails the test. */
function errorOf(input: ConfigInput): ServerConfigError {
  try {
    loadConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    const e = error as ServerConfigError;
    expect(e.message).not.toContain('\n');
    expect(e.message.startsWith('invalid config: ')).toBe(true);
    return e;
  }
  throw new Error('loadConfig did not throw');
}

describe('loadConfig: defaults and precedence', () => {
  it('embedded defaults work on a laptop: loopback, TCP 7700, UDP 7701-7716 (16 games), admin 7799', () => {
    const { config, sources, warnings, configFile } = loadConfig();
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7700,
      udpPorts: [{ first: 7701, last: 7716 }],
      maxGames: 16,
      defaultMode: 'arena',
      warmPool: 2,
      drainTimeout: 10_000,
      adminHost: '127.0.0.1',
      adminPort: 7799,
      logLevel: 'info',
      logFormat: 'auto',
      udpBindHost: undefined,
      advertisedHost: undefined,
    });
    expect(config.modes).toEqual([
      { name: 'arena', playersPerGame: 4 },
      { name: 'duel', playersPerGame: 2 },
    ]);
    expect(Object.values(sources).every((s) => s.kind === 'default')).toBe(true);
    expect(warnings).toEqual([]);
    expect(configFile).toBeUndefined();
  });

  it('flags > env > file > defaults, setting by setting', () => {
    const { config, sources } = loadConfig({
      flags: { port: '9000' },
      env: { PROJ_PORT: '9001', PROJ_LOG_LEVEL: 'debug', PROJ_CONFIG: 'server.json' },
      readFile: files({
        'server.json': JSON.stringify({ port: 9002, logLevel: 'warn', adminPort: 9003, drainTimeout: '2m' }),
      }),
      cwd: '/etc/proj',
    });
    expect(config.port).toBe(9000);
    expect(config.logLevel).toBe('debug');
    expect(config.adminPort).toBe(9003);
    expect(config.drainTimeout).toBe(120_000);
    expect(config.host).toBe('127.0.0.1');
    expect(sources.port).toEqual({ kind: 'flag' });
    expect(sources.logLevel).toEqual({ kind: 'env' });
    expect(sources.adminPort).toEqual({ kind: 'file', path: 'server.json' });
    expect(sources.host).toEqual({ kind: 'default' });
  });

  it('--config wins over PROJ_CONFIG and resolves against cwd', () => {
    const read: string[] = [];
    const { configFile, config } = loadConfig({
      configFlag: 'a.json',
      env: { PROJ_CONFIG: 'b.json' },
      cwd: '/srv',
      readFile: (p) => {
        read.push(p);
        return '{"port": 1234}';
      },
    });
    expect(read).toEqual(['/srv/a.json']);
    expect(configFile).toBe('/srv/a.json');
    expect(config.port).toBe(1234);
  });

  it('an empty environment variable counts as unset; unknown PROJ_ variables are warned about', () => {
    const { config, warnings } = loadConfig({
      env: { PROJ_PORT: '', PROJ_UDP_PORT: '1-2', PROJ_CONFIG: '  ', HOME: '/root' },
    });
    expect(config.port).toBe(7700);
    expect(warnings).toEqual([
      'environment variable PROJ_UDP_PORT is not a setting; ignored (did you mean PROJ_UDP_PORTS?)',
    ]);
  });

  it('reads every kind of value from flags', () => {
    const { config } = loadConfig({
      flags: {
        host: '0.0.0.0',
        port: '0',
        udpPorts: '7801-7804, 7900',
        udpBindHost: '0.0.0.0',
        advertisedHost: 'games.example.com',
        maxGames: '3',
        modes: 'ffa:8,solo:1',
        defaultMode: 'solo',
        warmPool: '0',
        drainTimeout: '1.5s',
        keepAlive: '0',
        maxGameDuration: '90m',
        tokenTtl: '250ms',
        maxFrameBytes: '2048',
        pingsPerSecond: '0.5',
        beforeHelloBurst: '3',
        rateLimitPenalty: '0',
        adminPort: '0',
        logFormat: 'json',
        childOutput: 'ignore',
      },
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      udpPorts: [
        { first: 7801, last: 7804 },
        { first: 7900, last: 7900 },
      ],
      udpBindHost: '0.0.0.0',
      advertisedHost: 'games.example.com',
      maxGames: 3,
      defaultMode: 'solo',
      warmPool: 0,
      drainTimeout: 1_500,
      keepAlive: 0,
      maxGameDuration: 5_400_000,
      tokenTtl: 250,
      maxFrameBytes: 2048,
      messagesPerSecond: 10,
      pingsPerSecond: 0.5,
      beforeHelloBurst: 3,
      rateLimitPenalty: 0,
      adminPort: 0,
      logFormat: 'json',
      childOutput: 'ignore',
    });
    expect(config.modes.map((m) => [m.name, m.playersPerGame])).toEqual([
      ['ffa', 8],
      ['solo', 1],
    ]);
  });

  it('the file may give typed JSON values, port range objects and modes with game options', () => {
    const { config } = loadConfig({
      configFlag: 'c.json',
      readFile: files({
        'c.json': JSON.stringify({
          $schema: 'ignored',
          '//': 'a comment',
          udpPorts: [{ first: 8001, last: 8002 }, '8010-8011'],
          modes: { arena: { playersPerGame: 3, gameOptions: { scoreToWin: 5 } }, duel: 2 },
          warmPool: 1,
          queuedIdleTimeout: 30_000,
        }),
      }),
    });
    expect(config.udpPorts).toEqual([
      { first: 8001, last: 8002 },
      { first: 8010, last: 8011 },
    ]);
    expect(config.maxGames).toBe(4);
    expect(config.modes).toEqual([
      { name: 'arena', playersPerGame: 3, gameOptions: { scoreToWin: 5 } },
      { name: 'duel', playersPerGame: 2 },
    ]);
    expect(config.queuedIdleTimeout).toBe(30_000);
  });

  it('the default warm pool shrinks to a smaller cap; a warm pool given above the cap is an error', () => {
    expect(loadConfig({ flags: { maxGames: '1' } }).config.warmPool).toBe(1);
    expect(loadConfig({ flags: { udpPorts: '7701' } }).config.warmPool).toBe(1);
    expect(() => loadConfig({ flags: { maxGames: '1', warmPool: '2' } })).toThrow(
      'invalid config: --warm-pool 2: the warm pool is above the cap on concurrent games (1)',
    );
  });

  it('by default the warm pool follows demand: floor 2, buffer 50%, ceiling 8 (within the cap), no rate limit, 30s', () => {
    expect(loadConfig({}).config).toMatchObject({
      warmPool: 2,
      warmPoolBuffer: '50%',
      warmPoolMax: 8,
      warmPoolRefillRate: 0,
      warmPoolShrinkDelay: 30_000,
    });
    expect(loadConfig({ flags: { maxGames: '4' } }).config).toMatchObject({ warmPool: 2, warmPoolMax: 4 });
    expect(loadConfig({ flags: { maxGames: '1' } }).config).toMatchObject({ warmPool: 1, warmPoolMax: 1 });
  });

  it('a plain --warm-pool keeps meaning a fixed pool of that size (buffer 0), its ceiling raised to it', () => {
    expect(loadConfig({ flags: { warmPool: '3' } }).config).toMatchObject({ warmPool: 3, warmPoolBuffer: 0 });
    expect(loadConfig({ env: { PROJ_WARM_POOL: '12' } }).config).toMatchObject({ warmPoolBuffer: 0, warmPoolMax: 12 });
    expect(loadConfig({ readFile: () => '{"warmPool": 4}', configFlag: 'c.json' }).config).toMatchObject({
      warmPool: 4,
      warmPoolBuffer: 0,
    });
  });

  it('takes the buffer as a count or a percentage, and the ceiling, rate and shrink delay, from flags, env or file', () => {
    expect(
      loadConfig({
        flags: {
          warmPool: '1',
          warmPoolBuffer: '25%',
          warmPoolMax: '6',
          warmPoolRefillRate: '2.5',
          warmPoolShrinkDelay: '10s',
        },
      }).config,
    ).toMatchObject({
      warmPool: 1,
      warmPoolBuffer: '25%',
      warmPoolMax: 6,
      warmPoolRefillRate: 2.5,
      warmPoolShrinkDelay: 10_000,
    });
    expect(loadConfig({ env: { PROJ_WARM_POOL_BUFFER: '4' } }).config.warmPoolBuffer).toBe(4);
    expect(loadConfig({ env: { PROJ_WARM_POOL_BUFFER: '12.50 %' } }).config.warmPoolBuffer).toBe('12.5%');
    expect(
      loadConfig({ readFile: () => '{"warmPoolBuffer": 3, "warmPoolMax": 5}', configFlag: 'c.json' }).config,
    ).toMatchObject({ warmPoolBuffer: 3, warmPoolMax: 5 });
    expect(loadConfig({ flags: { warmPoolRefillRate: '0' } }).config.warmPoolRefillRate).toBe(0);
  });

  it('the shared queue: off by default; --redis-url and its settings from flags, env or file', () => {
    const off = loadConfig({}).config;
    expect(off.redisUrl).toBeUndefined();
    expect(off.instanceId).toBeUndefined();
    expect([off.redisKeyPrefix, off.redisLease, off.redisHeartbeat, off.redisHeartbeatTimeout]).toEqual([
      'proj:mm:',
      15_000,
      1_000,
      5_000,
    ]);
    const on = loadConfig({
      flags: { redisUrl: 'redis://10.0.0.5:6380/2', instanceId: 'eu-1' },
      env: { PROJ_REDIS_KEY_PREFIX: 'game:', PROJ_REDIS_LEASE: '20s' },
      configFlag: 'c.json',
      readFile: files({ 'c.json': '{"redisHeartbeat": "500ms", "redisHeartbeatTimeout": 2000}' }),
    }).config;
    expect([on.redisUrl, on.instanceId, on.redisKeyPrefix, on.redisLease]).toEqual([
      'redis://10.0.0.5:6380/2',
      'eu-1',
      'game:',
      20_000,
    ]);
    expect([on.redisHeartbeat, on.redisHeartbeatTimeout]).toEqual([500, 2_000]);
  });

  it('every setting has an embedded default or a derived one that validates', () => {
    for (const spec of SETTING_LIST) {
      if (spec.default !== undefined) expect(() => spec.parse(spec.default)).not.toThrow();
      else expect(spec.defaultDoc.length).toBeGreaterThan(0);
    }
  });
});

describe('loadConfig: every bad value stops the server with a message naming the setting', () => {
  it.each([
    [{ udpPorts: '7800-7700' }, 'invalid config: --udp-ports 7800-7700: range 7800-7700 is inverted (first > last)'],
    [
      { udpPorts: '7701-7710,7705-7716' },
      'invalid config: --udp-ports 7701-7710,7705-7716: ranges 7701-7710 and 7705-7716 overlap',
    ],
    [{ udpPorts: '7701,7701' }, 'invalid config: --udp-ports 7701,7701: ranges 7701 and 7701 overlap'],
    [{ udpPorts: '0-10' }, 'invalid config: --udp-ports 0-10: port 0 is out of 1..65535'],
    [{ udpPorts: '7701-70000' }, 'invalid config: --udp-ports 7701-70000: port 70000 is out of 1..65535'],
    [{ udpPorts: 'abc' }, "invalid config: --udp-ports abc: 'abc' is not a port number"],
    [{ udpPorts: '7701,' }, 'invalid config: --udp-ports 7701,: empty entry (expected first-last or a port)'],
    [
      { modes: 'arena:0' },
      "invalid config: --modes arena:0: players per game of mode 'arena' must be at least 1, got 0",
    ],
    [
      { modes: 'arena:-2' },
      "invalid config: --modes arena:-2: players per game of mode 'arena' must be at least 1, got -2",
    ],
    [
      { modes: 'arena:four' },
      "invalid config: --modes arena:four: players per game of mode 'arena' must be an integer, got 'four'",
    ],
    [
      { modes: 'arena:300' },
      "invalid config: --modes arena:300: players per game of mode 'arena' must be at most 255, got 300",
    ],
    [{ modes: 'arena' }, "invalid config: --modes arena: 'arena' is not name:K (for example arena:4)"],
    [{ modes: 'a:2,a:3' }, "invalid config: --modes a:2,a:3: mode 'a' is given twice"],
    [
      { modes: 'a b:2' },
      "invalid config: --modes a b:2: mode name 'a b' must be 1..32 letters, digits, '_', '.' or '-'",
    ],
    [
      { maxGames: '17' },
      'invalid config: --max-games 17: the cap is above the number of UDP ports (16, from --udp-ports (default 7701-7716))',
    ],
    [{ maxGames: '0' }, 'invalid config: --max-games 0: must be an integer in 1..65535'],
    [
      { warmPool: '5', maxGames: '4' },
      'invalid config: --warm-pool 5: the warm pool is above the cap on concurrent games (4)',
    ],
    [
      { warmPoolMax: '17' },
      "invalid config: --warm-pool-max 17: the warm pool's ceiling is above the cap on concurrent games (16)",
    ],
    [
      { warmPool: '4', warmPoolMax: '3' },
      "invalid config: --warm-pool-max 3: the warm pool's ceiling is below the warm pool (4)",
    ],
    [
      { warmPoolBuffer: 'lots' },
      'invalid config: --warm-pool-buffer lots: must be a count (4) or a percentage of the running games (25%)',
    ],
    [
      { warmPoolBuffer: '-1' },
      'invalid config: --warm-pool-buffer -1: must be a count (4) or a percentage of the running games (25%)',
    ],
    [{ warmPoolBuffer: '2000%' }, 'invalid config: --warm-pool-buffer 2000%: a percentage must be in 0%..1000%'],
    [{ warmPoolRefillRate: '-2' }, 'invalid config: --warm-pool-refill-rate -2: not a number'],
    [{ warmPoolRefillRate: '20000' }, 'invalid config: --warm-pool-refill-rate 20000: must be a number in 0..10000'],
    [
      { warmPoolShrinkDelay: 'soon' },
      'invalid config: --warm-pool-shrink-delay soon: not a duration (use milliseconds or a number with ms, s, m or h: 500ms, 10s, 2m)',
    ],
    [{ defaultMode: 'ctf' }, "invalid config: --default-mode ctf: unknown mode 'ctf' (the modes are arena, duel)"],
    [{ port: '65536' }, 'invalid config: --port 65536: must be an integer in 0..65535'],
    [{ port: '77o0' }, 'invalid config: --port 77o0: not an integer'],
    [
      { adminPort: '7700' },
      "invalid config: --admin-port 7700: the admin listener cannot share the players' TCP port (--port (default 7700))",
    ],
    [
      { drainTimeout: 'soon' },
      'invalid config: --drain-timeout soon: not a duration (use milliseconds or a number with ms, s, m or h: 500ms, 10s, 2m)',
    ],
    [
      { drainTimeout: '30d' },
      'invalid config: --drain-timeout 30d: not a duration (use milliseconds or a number with ms, s, m or h: 500ms, 10s, 2m)',
    ],
    [{ tokenTtl: '0' }, 'invalid config: --token-ttl 0: must be more than 0'],
    [{ readyTimeout: '0s' }, 'invalid config: --ready-timeout 0s: must be more than 0'],
    [
      { maxGameDuration: '1000h' },
      'invalid config: --max-game-duration 1000h: too long (at most 2147483647 ms, about 24 days)',
    ],
    [{ maxFrameBytes: '100' }, 'invalid config: --max-frame-bytes 100: must be an integer in 256..1048576'],
    [{ pingsPerSecond: '-1' }, 'invalid config: --pings-per-second -1: not a number'],
    [{ messageBurst: '0' }, 'invalid config: --message-burst 0: must be an integer in 1..1000000'],
    [
      { logLevel: 'verbose' },
      'invalid config: --log-level verbose: must be one of trace, debug, info, warn, error, fatal, silent',
    ],
    [{ logFormat: 'xml' }, 'invalid config: --log-format xml: must be one of auto, pretty, json'],
    [{ childOutput: 'file' }, 'invalid config: --child-output file: must be one of inherit, ignore'],
    [
      { host: 'bad host' },
      'invalid config: --host bad host: must be a host name or an IP address (no spaces, slashes or control characters)',
    ],
    [{ redisUrl: 'http://x:6379' }, 'invalid config: --redis-url http://x:6379: scheme http: is not redis: or rediss:'],
    [
      { redisUrl: 'localhost:6379' },
      'invalid config: --redis-url localhost:6379: scheme localhost: is not redis: or rediss:',
    ],
    [{ redisUrl: 'redis://' }, 'invalid config: --redis-url redis://: no host (expected redis://host:port[/db])'],
    [
      { redisUrl: 'redis://h/queue' },
      'invalid config: --redis-url redis://h/queue: the path must be a database number (/0../99), not /queue',
    ],
    [
      { instanceId: 'a b' },
      'invalid config: --instance-id a b: must be 1 to 64 letters, digits, dots, underscores, colons or dashes',
    ],
    [
      { redisKeyPrefix: 'a b' },
      'invalid config: --redis-key-prefix a b: must be 1 to 64 printable characters, no spaces',
    ],
    [{ redisLease: '0' }, 'invalid config: --redis-lease 0: must be more than 0'],
    [
      { redisUrl: 'redis://h', redisLease: '10s' },
      "invalid config: --redis-lease 10s: a claim must outlast a game's start (--ready-timeout (default 10s), 10000 ms)",
    ],
    [
      { redisUrl: 'redis://h', redisHeartbeat: '2s', redisHeartbeatTimeout: '3s' },
      'invalid config: --redis-heartbeat-timeout 3s: must be at least twice --redis-heartbeat 2s (2000 ms)',
    ],
  ] as const)('flags %o', (flags, message) => {
    const e = errorOf({ flags });
    expect(e.message).toBe(message);
    expect(e.code).toBe('E_INVALID_CONFIG');
  });

  it('names an environment variable as NAME=value', () => {
    expect(errorOf({ env: { PROJ_UDP_PORTS: '7800-7700' } }).message).toBe(
      'invalid config: PROJ_UDP_PORTS=7800-7700: range 7800-7700 is inverted (first > last)',
    );
    expect(errorOf({ env: { PROJ_MODES: 'arena:0' } }).setting).toBe('modes');
  });

  it('names a file setting as "key": value in file', () => {
    const e = errorOf({
      configFlag: 'srv.json',
      readFile: files({ 'srv.json': '{"maxGames": 40, "udpPorts": "7701-7704"}' }),
    });
    expect(e.message).toBe(
      'invalid config: "maxGames": 40 in srv.json: the cap is above the number of UDP ports (4, from "udpPorts": "7701-7704" in srv.json)',
    );
    expect(e.setting).toBe('maxGames');
    const k = errorOf({
      configFlag: 'srv.json',
      readFile: files({ 'srv.json': '{"modes": {"arena": {"playersPerGame": 0}}}' }),
    });
    expect(k.message).toBe(
      `invalid config: "modes": {"arena":{"playersPerGame":0}} in srv.json: players per game of mode 'arena' must be at least 1, got 0`,
    );
    const t = errorOf({ configFlag: 'srv.json', readFile: files({ 'srv.json': '{"port": true}' }) });
    expect(t.message).toBe('invalid config: "port": true in srv.json: expected a string or a number, got boolean');
  });

  it('an unreadable, non-JSON or non-object file, or an unknown key in it', () => {
    const missing = errorOf({ configFlag: 'nope.json', readFile: files({}) });
    expect(missing.message).toBe('invalid config: --config nope.json: cannot read the file (no such file)');
    expect(missing.code).toBe('E_CONFIG_FILE');
    expect(errorOf({ env: { PROJ_CONFIG: 'nope.json' }, readFile: files({}) }).message).toBe(
      'invalid config: PROJ_CONFIG=nope.json: cannot read the file (no such file)',
    );
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': '{ port: 1 }' }) }).message).toMatch(
      /^invalid config: --config x\.json: not valid JSON at line 1, column 3 \(.+\)$/,
    );
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': '[1]' }) }).message).toBe(
      'invalid config: --config x.json: the file must hold a JSON object of settings',
    );
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': '{"udpPort": "1-2"}' }) }).message).toBe(
      'invalid config: "udpPort" in x.json: unknown setting (did you mean "udpPorts"?)',
    );
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': '{"frobnicate": 1}' }) }).message).toBe(
      'invalid config: "frobnicate" in x.json: unknown setting',
    );
  });

  it('says at which line and column a config file stops being valid JSON, in one line', () => {
    const missingComma = '{\n  "port": 7700\n  "maxGames": 4\n}\n';
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': missingComma }) }).message).toBe(
      "invalid config: --config x.json: not valid JSON at line 3, column 3 (Expected ',' or '}' after property value)",
    );
    // Node 20 quotes the text instead of giving a position for this one.
    const noValue = '{\n  "port": 7700,\n  "modes": }\n';
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': noValue }) }).message).toMatch(
      /^invalid config: --config x\.json: not valid JSON at line 3, column 12 \([^\n]+\)$/,
    );
    const cut = '{\n  "port": 7700,\n';
    expect(errorOf({ configFlag: 'x.json', readFile: files({ 'x.json': cut }) }).message).toMatch(
      /^invalid config: --config x\.json: not valid JSON at line 3, column 1 \(.+\)$/,
    );
  });

  it('reads a file that starts with a byte order mark', () => {
    const loaded = loadConfig({ configFlag: 'x.json', readFile: files({ 'x.json': '\uFEFF{"port": 7801}' }) });
    expect(loaded.config.port).toBe(7801);
  });

  it('reads a real file from disk, and reports a directory as unreadable', () => {
    expect(errorOf({ configFlag: '/' }).message).toBe(
      'invalid config: --config /: cannot read the file (is a directory)',
    );
  });
});
