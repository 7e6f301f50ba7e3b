/**
 * The executor's contract: what one run needs to execute (a script or playbook, its resolved
 * parameters, its credentials' plain values, an inventory, a timeout) and what it reports back.
 * Free of the database, the config and SvelteKit, so the server's own runner and the remote
 * runner process (`npm run start:runner`) execute runs with the same code.
 */
import type {
  GitSource,
  HostRecap,
  JobKind,
  ParameterValue
} from '../../../shared/automation/schema';
import type { CredentialKind } from '../../../shared/automation/schema';

/** A credential's plain value, handed to one run and written only into its working directory. */
export interface ExecCredential {
  name: string;
  kind: CredentialKind;
  username: string | null;
  secret: string;
}

/** An Ansible inventory: static text (INI or YAML), or hosts and groups from the CMDB. */
export type ExecInventory =
  | { text: string }
  | {
      /** Ansible's dynamic-inventory JSON (groups with hosts, vars, children; `_meta.hostvars`). */
      json: Record<string, unknown>;
    };

export interface ExecSpec {
  runId: string;
  kind: JobKind;
  /** The script or playbook text, or where to fetch it from. */
  source: { inline: string } | { git: GitSource };
  /** Resolved, typed values (schema.ts resolveParameters). */
  parameters: Record<string, ParameterValue>;
  /** Names of the parameters whose values are secrets (masked in the output). */
  secretParameters: string[];
  credentials: ExecCredential[];
  inventory: ExecInventory | null;
  /** Ansible `--check`. */
  check: boolean;
  timeoutMs: number;
}

/** Where the executor may write; both are created when missing. */
export interface ExecPlaces {
  /** Parent of each run's own working directory (removed after the run). */
  workRoot: string;
  /** Clones of git sources, reused between runs. */
  gitCacheDir: string;
  /** Time between SIGTERM to the process group and SIGKILL. */
  killGraceMs: number;
}

export type ExecOutcome = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

export interface ExecResult {
  state: ExecOutcome;
  exitCode: number | null;
  /** Ansible's recap per host; null for shell jobs or when no recap was printed. */
  summary: HostRecap[] | null;
  /** Why it ended this way when that is not the exit code (a git fetch failed, …). */
  reason: string | null;
}

/** Receives the run's output, secrets already masked, in order. */
export interface ExecSink {
  /** Called once the process is spawned (the start-latency benchmark reads this moment). */
  spawned?(pid: number): void;
  output(chunk: string): void;
}
