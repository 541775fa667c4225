// The pieces the proj-play bin is made of, for tests and embedding. The bin itself is src/main.ts.

/** Builds the commander program (`play`, `bots`, `loadtest`). */
export { createProgram, type CliIo } from './program.js';
/** One headless arena player (find a match, play it with the bot AI). */
export { runBot, type BotOutcome, type BotRun } from './bot-player.js';
/** The load test and its report. */
export { runLoadtest, type LoadtestOptions } from './loadtest.js';
export { buildReport, formatReport, type LoadtestReport } from './loadtest-report.js';
/** Arena state and the bot AI. */
export { ArenaState, type ArenaResult, type ArenaRules } from './arena/arena-state.js';
export { BotBrain } from './arena/bot-brain.js';
