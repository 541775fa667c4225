#!/usr/bin/env node
// The proj-play bin: parses the command line and runs the command.
import { createProgram } from './program.js';

await createProgram().parseAsync(process.argv);
