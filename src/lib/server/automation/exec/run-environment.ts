/**
 * A run's environment, built from nothing: none of the server's (or the runner's) own variables
 * ever reaches the child, so neither `RUNBOARD_SECRET_KEY` nor `DATABASE_URL` nor a token can
 * leak into a script (docs/design.md §4).
 *
 * | variable | value |
 * |---|---|
 * | `PATH` | `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` |
 * | `HOME` | the run's working directory |
 * | `LANG`, `LC_ALL` | `C.UTF-8` |
 * | `TERM` | `xterm-256color` |
 * | `TMPDIR` | `<workdir>/tmp` |
 * | `RB_RUN_ID` | the run's id |
 * | `RB_OPTION_<NAME>` | each parameter (shell jobs): text as is, booleans `true`/`false`, integers in decimal |
 * | `RB_CREDENTIAL_<NAME>_SECRET`, `_USERNAME` | each credential (shell jobs; tokens for Ansible) |
 * | `RB_CREDENTIAL_<NAME>_FILE` | an ssh_key credential's key, as a 0600 file in the working directory |
 */
import { optionEnvName, type ParameterValue } from '../../../shared/automation/schema';

export const RUN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `RB_CREDENTIAL_<NAME>`: the credential's name upper-cased, any other character as `_`. */
export function credentialEnvPrefix(name: string): string {
  return `RB_CREDENTIAL_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** A parameter's value as environment text. */
export function envValue(value: ParameterValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  return value;
}

/** The variables every run starts from (the table above, first six rows). */
export function baseEnv(workdir: string, tmpdir: string, runId: string): Record<string, string> {
  return {
    PATH: RUN_PATH,
    HOME: workdir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TERM: 'xterm-256color',
    TMPDIR: tmpdir,
    RB_RUN_ID: runId
  };
}

/** `RB_OPTION_<NAME>` for each parameter. */
export function optionEnv(parameters: Readonly<Record<string, ParameterValue>>) {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters))
    env[optionEnvName(name)] = envValue(value);
  return env;
}

/** The first variable (name or value) that cannot be put in an environment, or null. */
export function envProblem(env: Readonly<Record<string, string>>): string | null {
  for (const [name, value] of Object.entries(env)) {
    if (name.includes('\0') || name.includes('=')) return `${name} is not a valid variable name`;
    if (value.includes('\0')) return `${name} contains a NUL character`;
  }
  return null;
}
