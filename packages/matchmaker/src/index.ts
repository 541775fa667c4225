export { MatchmakerError } from './errors.js';
