/**
 * `@proj/protocol/internal`: what the sibling packages of this monorepo (`@proj/game-child`, `@proj/client-sdk`,
 * `@proj/orchestrator`) share besides the wire formats. Not a public API: it is not covered by semver and may change
 * in any release. Import `@proj/protocol`, or the package that re-exports what you need, instead.
 */
export { nodeCrypto } from './lazy-crypto.js';
export { silentLogger, type Logger } from './logger.js';
