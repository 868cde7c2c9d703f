/**
 * A service's configuration, read from environment variables and checked once at start, so that a bad
 * deployment fails before it serves anything, with every mistake named at once.
 */

/** One environment variable: how to read it, what it must look like, and whether its value may be shown. */
export interface EnvVar<T> {
  readonly variable: string;
  /** What a valid value looks like, in words, for the error message. */
  readonly expected: string;
  readonly secret: boolean;
  readonly optional: boolean;
  readonly default?: T;
  /** The value, or undefined when `raw` is not one. */
  parse(raw: string): T | undefined;
  /** How `raw` appears in an error message (secrets never appear). */
  show(raw: string): string;
}

export type ConfigSchema = Record<string, EnvVar<unknown>>;

export type ConfigOf<S extends ConfigSchema> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

interface Presence<T> {
  /** Used when the variable is unset or empty. */
  default?: T;
  /** Unset is allowed and reads as undefined. */
  optional?: boolean;
}

/** With a default or required: always a T. Optional without default: T or undefined. */
type ValueOf<T, O> = O extends { default: T } ? T : O extends { optional: true } ? T | undefined : T;

function variable<T, O extends Presence<T> | undefined>(
  name: string,
  options: O,
  expected: string,
  parse: (raw: string) => T | undefined,
  secret = false,
  show: (raw: string) => string = (raw) => JSON.stringify(raw),
): EnvVar<ValueOf<T, O>> {
  return {
    variable: name,
    expected,
    secret,
    optional: options?.optional === true,
    default: options?.default as ValueOf<T, O>,
    parse: parse as (raw: string) => ValueOf<T, O> | undefined,
    show: secret ? () => '(secret, not shown)' : show,
  };
}

interface IntOptions extends Presence<number> {
  min?: number;
  max?: number;
}

function integerIn(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
  if (min !== undefined) return `an integer of at least ${min}`;
  if (max !== undefined) return `an integer of at most ${max}`;
  return 'an integer';
}

function parseInteger(raw: string, min = -Infinity, max = Infinity): number | undefined {
  if (!/^[-+]?\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** Hides the password of `scheme://user:password@host` so that a connection string can be shown. */
export function withoutUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z\d+.-]*:\/\/[^:/@?#]*:)[^@/?#]*@/i, '$1***@');
}

const booleanWords: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/** Builders for the variables of a schema; each infers its value type from its options. */
export const env = {
  /** `pattern`: the whole value must match it (an id's format, say), so a bad one is reported with the others. */
  string<O extends (Presence<string> & { pattern?: RegExp }) | undefined = undefined>(name: string, options?: O) {
    const pattern = options?.pattern;
    return variable(name, options, pattern ? `a string matching ${String(pattern)}` : 'a non-empty string', (raw) =>
      pattern === undefined || pattern.test(raw) ? raw : undefined,
    );
  },

  /** A string never shown in messages; `minLength` catches placeholder tokens. */
  secret<O extends (Presence<string> & { minLength?: number; pattern?: RegExp }) | undefined = undefined>(
    name: string,
    options?: O,
  ) {
    const minLength = options?.minLength ?? 1;
    const pattern = options?.pattern;
    return variable(
      name,
      options,
      `a secret of at least ${minLength} characters${pattern ? ` matching ${String(pattern)}` : ''}`,
      (raw) => (raw.length >= minLength && (pattern === undefined || pattern.test(raw)) ? raw : undefined),
      true,
    );
  },

  int<O extends IntOptions | undefined = undefined>(name: string, options?: O) {
    return variable(name, options, integerIn(options?.min, options?.max), (raw) =>
      parseInteger(raw, options?.min, options?.max),
    );
  },

  /** 0 lets the operating system choose, which tests use. */
  port<O extends Presence<number> | undefined = undefined>(name: string, options?: O) {
    return variable(name, options, 'a TCP port (an integer from 0 to 65535)', (raw) => parseInteger(raw, 0, 65535));
  },

  boolean<O extends Presence<boolean> | undefined = undefined>(name: string, options?: O) {
    return variable(name, options, 'true or false (also 1/0, yes/no)', (raw) => booleanWords[raw.toLowerCase()]);
  },

  /** An absolute URL, kept as the string given; `protocols` like `['postgres:', 'postgresql:']`. */
  url<O extends (Presence<string> & { protocols?: readonly string[] }) | undefined = undefined>(
    name: string,
    options?: O,
  ) {
    const protocols = options?.protocols;
    const expected = protocols ? `an absolute URL with scheme ${protocols.join(' or ')}` : 'an absolute URL';
    const parse = (raw: string): string | undefined => {
      if (!URL.canParse(raw)) return undefined;
      return !protocols || protocols.includes(new URL(raw).protocol) ? raw : undefined;
    };
    return variable(name, options, expected, parse, false, (raw) => JSON.stringify(withoutUrlPassword(raw)));
  },

  enum<const V extends readonly string[], O extends Presence<V[number]> | undefined = undefined>(
    name: string,
    values: V,
    options?: O,
  ) {
    return variable(
      name,
      options,
      `one of ${values.join(', ')}`,
      (raw) => values.find((v) => v === raw) as V[number] | undefined,
    );
  },

  /** Comma-separated (or `separator`); items are trimmed and empty items dropped, so `a,b,` is `[a, b]`. */
  list<O extends (Presence<string[]> & { separator?: string }) | undefined = undefined>(name: string, options?: O) {
    const separator = options?.separator ?? ',';
    const parse = (raw: string): string[] | undefined => {
      const items = raw
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== '');
      return items.length > 0 ? items : undefined;
    };
    return variable(name, options, `a list separated by "${separator}"`, parse);
  },
};

/** Names the schema for what it is; the schema is its own description, so this only checks its shape. */
export function defineConfig<S extends ConfigSchema>(schema: S): S {
  return schema;
}

export interface ConfigProblem {
  variable: string;
  /** One line: the variable, its value as it may be shown, and what was expected. */
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid configuration (${count}):\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every variable of `schema` from `source`. Values are trimmed and an empty value counts as unset,
 * because deployment tools write `NAME=` for "not set". Throws one ConfigError listing every bad variable.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, source: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const raw = source[spec.variable]?.trim() ?? '';
    if (raw === '') {
      if (spec.default === undefined && !spec.optional) {
        problems.push({ variable: spec.variable, message: `${spec.variable} is not set; expected ${spec.expected}` });
      }
      config[key] = spec.default;
      continue;
    }
    const value = spec.parse(raw);
    if (value === undefined) {
      problems.push({
        variable: spec.variable,
        message: `${spec.variable}=${spec.show(raw)} is invalid; expected ${spec.expected}`,
      });
    }
    config[key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** For `main.ts`: the config, or the message on stderr and exit code 1 before anything starts. */
export function loadConfigOrExit<S extends ConfigSchema>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  return exitOnConfigError(() => loadConfig(schema, source));
}

/** For `main.ts`: the checks that span variables (`read` throws ConfigError) end the process as loadConfigOrExit does. */
export function exitOnConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
