export { GameChildError } from './errors.js';
