// Process entry of a game child: the orchestrator forks this file (dist/main.js) with an IPC channel.
import { runChildProcess } from './child-process.js';

runChildProcess();
