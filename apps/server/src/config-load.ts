import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REDACTED } from './config-admin.js';
import { CONFIG_ENV, ENV_PREFIX, SETTINGS, SETTING_LIST, type ServerConfig, type SettingKey } from './config-schema.js';
import { InvalidValue } from './config-values.js';
import { type ParsedSettings, validateConfig } from './config-validate.js';
import { ServerConfigError } from './errors.js';
import { jsonSyntaxErrorPlace } from './json-syntax-error.js';

/** Where a setting's value came from, highest precedence first. */
export type SettingSource =
  | { readonly kind: 'flag' }
  | { readonly kind: 'env' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'default' };

/** Where the config file's path came from. */
export interface ConfigFileRef {
  readonly path: string;
  readonly from: 'flag' | 'env';
}

/** What {@link loadConfig} reads. */
export interface ConfigInput {
  /** Flag values as given on the command line (strings), keyed by setting; absent when not given. */
  readonly flags?: Readonly<Partial<Record<SettingKey, string>>>;
  /** The `--config` flag's value, if given. */
  readonly configFlag?: string;
  /** The environment (`process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads the config file (default: `fs.readFileSync(path, 'utf8')`); tests pass a fake. */
  readonly readFile?: (path: string) => string;
  /** The directory a relative config path is resolved against (default: `process.cwd()`). */
  readonly cwd?: string;
}

/** The result of {@link loadConfig}. */
export interface LoadedConfig {
  readonly config: ServerConfig;
  /** Where each setting's value came from. */
  readonly sources: { readonly [K in SettingKey]: SettingSource };
  /** The config file read, if any (absolute path). */
  readonly configFile: string | undefined;
  /** Harmless oddities worth a log line: unknown PROJ_* variables. */
  readonly warnings: readonly string[];
}

const KEYS = SETTING_LIST.map((s) => s.key);

/** The closest of `candidates` to `word` when it is close enough to be a typo. */
function suggest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j]!;
        row[j] = Math.min(
          row[j]! + 1,
          row[j - 1]! + 1,
          prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
        );
        prev = tmp;
      }
    }
    return row[b.length]!;
  };
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function shortJson(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function readConfigFile(ref: ConfigFileRef, input: ConfigInput): { path: string; values: Record<string, unknown> } {
  const label = ref.from === 'flag' ? `--config ${ref.path}` : `${CONFIG_ENV}=${ref.path}`;
  const path = resolve(input.cwd ?? process.cwd(), ref.path);
  let text: string;
  try {
    text = (input.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.code === 'EISDIR'
            ? 'is a directory'
            : e.message;
    throw new ServerConfigError('E_CONFIG_FILE', `invalid config: ${label}: cannot read the file (${why})`, {
      cause: error,
      setting: 'config',
    });
  }
  let values: unknown;
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text; // a byte order mark some editors write
  try {
    values = JSON.parse(json);
  } catch (error) {
    const at = jsonSyntaxErrorPlace(json, error);
    throw new ServerConfigError(
      'E_CONFIG_FILE',
      `invalid config: ${label}: not valid JSON at line ${at.line}, column ${at.column} (${at.reason})`,
      { cause: error, setting: 'config' },
    );
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ServerConfigError(
      'E_CONFIG_FILE',
      `invalid config: ${label}: the file must hold a JSON object of settings`,
      { setting: 'config' },
    );
  }
  for (const key of Object.keys(values)) {
    if (key.startsWith('$') || key.startsWith('//')) continue; // "$schema", "//": comments
    if (!(KEYS as string[]).includes(key)) {
      const hint = suggest(key, KEYS);
      throw new ServerConfigError(
        'E_CONFIG_FILE',
        `invalid config: "${key}" in ${ref.path}: unknown setting${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`,
        { setting: 'config' },
      );
    }
  }
  return { path, values: values as Record<string, unknown> };
}

/**
 * Builds the configuration from, highest precedence first: command-line flags, `PROJ_*` environment variables, the
 * JSON config file (`--config` or `PROJ_CONFIG`), and the embedded defaults; then validates it. An empty environment
 * variable counts as unset.
 * @throws ServerConfigError with a one-line message naming the setting as the user gave it:
 *   `E_INVALID_CONFIG` for a bad value or contradicting settings, `E_CONFIG_FILE` for an unreadable file, a file that
 *   is not valid JSON (with the line and column where it stops being valid) or not a JSON object, or an unknown key
 *   in it.
 */
export function loadConfig(input: ConfigInput = {}): LoadedConfig {
  const flags = input.flags ?? {};
  const env = input.env ?? {};
  const envValue = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const warnings: string[] = [];
  const envNames = SETTING_LIST.map((s) => s.env);
  for (const name of Object.keys(env)) {
    if (name.startsWith(ENV_PREFIX) && name !== CONFIG_ENV && !envNames.includes(name)) {
      const hint = suggest(name, envNames);
      warnings.push(
        `environment variable ${name} is not a setting; ignored${hint === undefined ? '' : ` (did you mean ${hint}?)`}`,
      );
    }
  }

  const fileRef: ConfigFileRef | undefined =
    input.configFlag !== undefined
      ? { path: input.configFlag, from: 'flag' }
      : envValue(CONFIG_ENV) !== undefined
        ? { path: envValue(CONFIG_ENV)!, from: 'env' }
        : undefined;
  const file = fileRef === undefined ? undefined : readConfigFile(fileRef, input);

  const sources = {} as Record<SettingKey, SettingSource>;
  const raws = {} as Record<SettingKey, unknown>;
  for (const spec of SETTING_LIST) {
    const fromFlag = flags[spec.key];
    const fromEnv = envValue(spec.env);
    if (fromFlag !== undefined) {
      raws[spec.key] = fromFlag;
      sources[spec.key] = { kind: 'flag' };
    } else if (fromEnv !== undefined) {
      raws[spec.key] = fromEnv;
      sources[spec.key] = { kind: 'env' };
    } else if (file !== undefined && file.values[spec.key] !== undefined && file.values[spec.key] !== null) {
      raws[spec.key] = file.values[spec.key];
      sources[spec.key] = { kind: 'file', path: fileRef!.path };
    } else {
      raws[spec.key] = spec.default;
      sources[spec.key] = { kind: 'default' };
    }
  }

  const label = (key: SettingKey): string => {
    const spec = SETTINGS[key];
    const source = sources[key];
    // A secret's value is never repeated, not even in an error: the message may end up in a log or an issue.
    const raw = spec.secret === true && source.kind !== 'default' ? REDACTED : raws[key];
    switch (source.kind) {
      case 'flag':
        return `${spec.flag} ${shortJson(raw)}`;
      case 'env':
        return `${spec.env}=${shortJson(raw)}`;
      case 'file':
        return `"${key}": ${shortJson(JSON.stringify(raw))} in ${source.path}`;
      case 'default':
        return raw === undefined
          ? `${spec.flag} (default: ${spec.defaultDoc})`
          : `${spec.flag} (default ${shortJson(raw)})`;
    }
  };

  const parsed = {} as Record<SettingKey, unknown>;
  for (const spec of SETTING_LIST) {
    const raw = raws[spec.key];
    if (raw === undefined) {
      parsed[spec.key] = undefined;
      continue;
    }
    try {
      parsed[spec.key] = spec.parse(raw);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      throw new ServerConfigError('E_INVALID_CONFIG', `invalid config: ${label(spec.key)}: ${error.message}`, {
        setting: spec.key,
      });
    }
  }
  const config = validateConfig(parsed as ParsedSettings, {
    label,
    isDefault: (key) => sources[key].kind === 'default',
  });
  return { config, sources, configFile: file?.path, warnings };
}
