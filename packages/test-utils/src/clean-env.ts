/**
 * The environment for a process a test starts: this process's environment without any `PROJ_*` variable (they
 * would configure the server or the CLI behind the test's back), with `FORCE_COLOR=0`, then `extra` on top.
 */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROJ_')) env[k] = v;
  return { ...env, FORCE_COLOR: '0', ...extra };
}
