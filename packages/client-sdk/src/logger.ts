// One definition for all our packages, in @proj/protocol/internal; this package's index.ts re-exports it.
export { silentLogger, type Logger } from '@proj/protocol/internal';
