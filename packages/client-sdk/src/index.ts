export { ClientError } from './errors.js';
