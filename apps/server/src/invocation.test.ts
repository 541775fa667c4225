import { describe, expect, it } from 'vitest';
import { invocationName } from './invocation.js';

const APP = '/home/ann/proj/apps/server';
const ROOT = '/home/ann/proj';
const MAIN = `${APP}/dist/main.js`;

/** The variables pnpm gives a script of @proj/server that it runs for `pnpm <event>` typed in `initCwd`. */
const pnpmEnv = (event: string, initCwd: string) => ({
  npm_lifecycle_event: event,
  npm_package_name: '@proj/server',
  npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.2 linux x64',
  INIT_CWD: initCwd,
});

describe('invocationName', () => {
  it('names the pnpm script that ran the server, with --filter when typed elsewhere for a script only it has', () => {
    expect(invocationName({ env: pnpmEnv('start', ROOT), script: MAIN, cwd: APP })).toBe('pnpm start');
    expect(invocationName({ env: pnpmEnv('start', APP), script: MAIN, cwd: APP })).toBe('pnpm start');
    expect(invocationName({ env: pnpmEnv('serve', APP), script: MAIN, cwd: APP })).toBe('pnpm serve');
    expect(invocationName({ env: pnpmEnv('serve', ROOT), script: MAIN, cwd: APP })).toBe(
      'pnpm --filter @proj/server serve',
    );
  });

  it('names npm and yarn scripts the way they take flags', () => {
    const env = (agent: string, event: string) => ({
      npm_lifecycle_event: event,
      npm_package_name: '@proj/server',
      npm_config_user_agent: agent,
    });
    expect(invocationName({ env: env('npm/10.8.2 node/v20.20.2', 'start'), script: MAIN, cwd: APP })).toBe(
      'npm start --',
    );
    expect(invocationName({ env: env('npm/10.8.2 node/v20.20.2', 'serve'), script: MAIN, cwd: APP })).toBe(
      'npm run serve --',
    );
    expect(invocationName({ env: env('yarn/4.5.0 npm/? node/v20', 'serve'), script: MAIN, cwd: APP })).toBe(
      'yarn serve',
    );
  });

  it('names node and the script, relative to the working directory, when node ran it', () => {
    expect(invocationName({ env: {}, script: MAIN, cwd: ROOT })).toBe('node apps/server/dist/main.js');
    expect(invocationName({ env: {}, script: MAIN, cwd: APP })).toBe('node dist/main.js');
    expect(invocationName({ env: {}, script: MAIN, cwd: '/tmp' })).toBe(`node ${MAIN}`);
    expect(invocationName({ env: {}, script: '/srv/my game/main.js', cwd: '/tmp' })).toBe(
      'node "/srv/my game/main.js"',
    );
  });

  it("ignores a package manager's variables passed on by another package's script (pnpm test running the tests)", () => {
    const env = { ...pnpmEnv('test', ROOT), npm_package_name: 'proj-monorepo' };
    expect(invocationName({ env, script: MAIN, cwd: ROOT })).toBe('node apps/server/dist/main.js');
  });

  it('falls back to the bin name for the installed bin or anything else', () => {
    expect(invocationName({ env: {}, script: `${ROOT}/node_modules/.bin/proj-server`, cwd: ROOT })).toBe('proj-server');
    expect(invocationName({ env: {}, script: undefined, cwd: ROOT })).toBe('proj-server');
  });
});
