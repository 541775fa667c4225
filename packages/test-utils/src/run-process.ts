import { spawn } from 'node:child_process';
import { cleanEnv } from './clean-env.js';
import { TestUtilsError } from './errors.js';

/** How {@link runProcess} runs a command. */
export interface RunOptions {
  /** Added to the {@link cleanEnv} environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kills the process (SIGKILL) and rejects once it has run this long (default 20 s). */
  readonly timeoutMs?: number;
  /** How the error names the process (default: the command line). */
  readonly what?: string;
}

/** How a process ended and what it wrote. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` (`[file, ...args]`, e.g. `[process.execPath, bin, '--help']`) to completion with no stdin and
 * the {@link cleanEnv} environment, and resolves with its exit code and output. Rejects if it cannot be started,
 * or with a {@link TestUtilsError} `E_PROCESS_TIMEOUT` (its output so far in the message) after killing it when
 * it runs longer than `timeoutMs`.
 */
export function runProcess(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = command as [string, ...string[]];
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const proc = spawn(file, args, { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(
        new TestUtilsError(
          'E_PROCESS_TIMEOUT',
          `${options.what ?? command.join(' ')} did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    proc.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
