// The script the server forks for every game: @proj/game-child's process entry, behind one guard. A child is in the
// server's process group, so Ctrl-C in a terminal (SIGINT) or the terminal closing (SIGHUP) reaches it as well as the
// server; left to their default, those signals would kill every game at once, before the server could drain. The
// server alone decides when a game stops: it drains on those signals and then tells its children over IPC (or they
// notice it is gone). SIGTERM keeps its default: the orchestrator uses it to stop a child.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

await import('@proj/game-child/main');
