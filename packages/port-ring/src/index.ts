export { PortRingError } from './errors.js';
