export { OrchestratorError } from './errors.js';
