// The default arena game's wire encoding, gathered in one module: types and constants (arena-types.ts),
// inputs and snapshots (arena-snapshot.ts), reliable events (arena-events.ts). See arena-types.ts for the layout.
export * from './arena-types.js';
export {
  ArenaSnapshotBuilder,
  arenaSnapshotSize,
  decodeArenaInput,
  decodeArenaSnapshot,
  encodeArenaInput,
  encodeArenaSnapshot,
} from './arena-snapshot.js';
export { decodeArenaEvent, encodeArenaEvent } from './arena-events.js';
