// The script the server forks for every game: @proj/game-child's process entry, behind one guard. A child is in the
// server's process group, so Ctrl-C in a terminal (SIGINT) or the terminal closing (SIGHUP) reaches it as well as the
// server; left to their default, those signals would kill every game at once, before the server could drain. The
// server alone decides when a game stops: it drains on those signals and then tells its children over IPC (or they
// notice it is gone). SIGTERM keeps its default: the orchestrator uses it to stop a child.
//
// The build bundles this file and everything it imports into dist/game-child-entry.cjs (see tsup.config.ts); from
// source it runs under tsx. The import is dynamic so that the guard is in place before the child's code runs; a
// failed import rejects, which ends the process with the error like an uncaught exception. runChildProcess installs
// the same guard (so does every custom entry built on it); this one only covers the instants before it runs.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

void import('@proj/game-child/main');
