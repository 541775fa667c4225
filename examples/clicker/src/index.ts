// The clicker race example: its game (also the module the server loads, ./game), its wire encoding, its bot.
export {
  ClickerCodecError,
  ClickerEventType,
  NO_WINNER,
  decodeInput,
  decodeOutcome,
  decodeState,
  decodeWelcome,
  encodeInput,
  encodeOutcome,
  encodeState,
  encodeWelcome,
  type ClickerOutcome,
  type ClickerRules,
  type ClickerScore,
  type ClickerState,
} from './clicker-codec.js';
export { DEFAULT_CLICKER_RULES, clickerRules, createClickerGame, createGame } from './clicker-game.js';
export { playClicker, type ClickerBotOptions, type ClickerBotReport } from './clicker-bot.js';
