import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REPO_ROOT,
  type RunResult,
  SERVER_SOURCE,
  SOURCE_ARGS,
  type ServerProcess,
  freeUdpPorts,
  runProcess,
  startServer,
} from '@proj/test-utils';

/** This app's bin, from source (run it with node and SOURCE_ARGS, from REPO_ROOT). */
export const CLI_MAIN = join(REPO_ROOT, 'apps', 'cli-client', 'src', 'main.ts');

/** A game mode of the test server: K players and arena options. */
export interface TestMode {
  readonly playersPerGame: number;
  readonly gameOptions?: Readonly<Record<string, unknown>>;
}

/** What a test server is started with. */
export interface TestServerOptions {
  readonly modes: Readonly<Record<string, TestMode>>;
  /** UDP ports (concurrent games), default 6. */
  readonly udpPorts?: number;
  /** Extra flags, e.g. ['--max-connections', '1']. */
  readonly args?: readonly string[];
}

/**
 * Starts a real server (apps/server's bin, run from source: orchestrator + game children) as a separate process,
 * with a config file of `options.modes`, free ports and JSON logs; resolves once it is ready. `stopAll()` (or its
 * `stop()`) stops it and removes its config.
 */
export async function startTestServer(options: TestServerOptions): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
  const config = join(dir, 'server.json');
  writeFileSync(config, JSON.stringify({ modes: options.modes }));
  const ports = await freeUdpPorts(options.udpPorts ?? 6);
  const args = [
    '--config',
    config,
    '--port',
    '0',
    '--admin-port',
    '0',
    '--udp-ports',
    ports.join(','),
    '--log-format',
    'json',
    '--log-level',
    'info',
    '--child-output',
    'ignore',
    // Tests stop the server with games still running: do not wait long for them.
    '--drain-timeout',
    '1s',
    '--shutdown-grace',
    '1s',
    ...(options.args ?? []),
  ];
  return startServer(
    args,
    {},
    {
      command: [process.execPath, ...SOURCE_ARGS, SERVER_SOURCE],
      cwd: REPO_ROOT,
      readyTimeoutMs: 60_000,
      ownedDir: dir,
    },
  );
}

/** Runs the CLI from source to completion. */
export function runCli(args: readonly string[], timeoutMs = 120_000): Promise<RunResult> {
  return runProcess([process.execPath, ...SOURCE_ARGS, CLI_MAIN, ...args], {
    cwd: REPO_ROOT,
    timeoutMs,
    what: `proj-play ${args.join(' ')}`,
  });
}
