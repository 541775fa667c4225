// The fork server: a small long-lived process that forks the game children for a ForkServerSpawner, so that the
// orchestrator's event loop never stops in fork() (it blocks its caller until the child has exec'd: tens of
// milliseconds, more the larger the caller's memory). It relays the children's IPC both ways and reports their
// exits (see fork-server-messages.ts). It ends when its orchestrator is gone (IPC channel closed): its children then
// see their own channel close and end their games by themselves, as they do when the orchestrator dies.
import { type ChildProcessHandle, ForkSpawner } from './child-process.js';
import type { ForkServerConfig, FromForkServer, ToForkServer } from './fork-server-messages.js';

// The terminal's Ctrl-C (SIGINT to the whole process group), a hang-up or a SIGTERM to the group are for the
// orchestrator to handle (it drains, then closes this process): not a reason to cut the games' IPC short.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) process.on(signal, () => {});

let spawner: ForkSpawner | undefined;
const children = new Map<number, ChildProcessHandle>();

function report(message: FromForkServer): void {
  if (process.connected) process.send?.(message);
}

function spawnChild(id: number): void {
  if (spawner === undefined) {
    report({ type: 'exit', id, code: null, signal: null, error: 'the fork server was not configured' });
    return;
  }
  let handle: ChildProcessHandle;
  try {
    handle = spawner.spawn();
  } catch (error) {
    report({ type: 'exit', id, code: null, signal: null, error: (error as Error).message });
    return;
  }
  children.set(id, handle);
  if (handle.pid !== undefined) report({ type: 'spawned', id, pid: handle.pid });
  handle.onMessage((message) => report({ type: 'message', id, message }));
  handle.onExit((exit) => {
    children.delete(id);
    report({
      type: 'exit',
      id,
      code: exit.code,
      signal: exit.signal,
      ...(exit.error !== undefined ? { error: exit.error.message } : {}),
    });
  });
}

function configure(config: ForkServerConfig): void {
  spawner = new ForkSpawner({
    entry: config.entry,
    args: config.args,
    execArgv: config.execArgv,
    ...(config.env !== undefined ? { env: config.env } : {}),
    ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
    stdio: config.stdio,
    childNice: config.childNice,
  });
}

process.on('message', (raw) => {
  const message = raw as ToForkServer;
  switch (message.type) {
    case 'configure':
      configure(message.config);
      return;
    case 'spawn':
      spawnChild(message.id);
      return;
    case 'send':
      children.get(message.id)?.send(message.message);
      return;
    case 'kill':
      children.get(message.id)?.kill(message.signal);
      return;
  }
});

process.on('disconnect', () => process.exit(0));
