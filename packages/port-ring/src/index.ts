// The public API of @proj/port-ring. Each export is documented where it is declared.
export { PortRingError, PortRingErrorCode, isPortRingError } from './errors.js';
export { PortRing } from './port-ring.js';
export { DEFAULT_QUARANTINE_MS, type AcquireOptions, type PortRingOptions, type QuarantineOptions } from './options.js';
export { PortState } from './port-state.js';
export { MAX_PORT, MIN_PORT, isValidPort } from './port-list.js';
export { MAX_TIMER_MS, type QuarantineTimers, unrefTimers } from './timers.js';
