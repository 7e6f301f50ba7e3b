// `npm run audit`: audits the production dependencies (`npm audit --omit=dev`) against the
// npm advisory database and fails on any advisory of moderate severity or worse that is not
// listed, with a reason and an expiry date, in `audit-exceptions.json` (docs/security-audit.md).
// An expired exception fails too, so every exception is looked at again.
//
// When the advisory service cannot be reached (a closed network, a registry mirror without the
// audit endpoint), the run says so and passes, unless AUDIT_STRICT=1 (set in the GitHub
// workflow, which can reach it): a missing answer is not a clean bill of health, and the output
// says exactly that.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Severities that fail the audit unless excepted. */
const FAILING = new Set(['moderate', 'high', 'critical']);

/**
 * @typedef {{ advisory: string, package: string, reason: string, added: string, expires: string }} AuditException
 * @typedef {{ id: string, package: string, severity: string, title: string, url: string }} Advisory
 * @typedef {{ failures: string[], notices: string[] }} AuditVerdict
 */

/** The advisory id (GHSA-…) at the end of an advisory URL, or the URL itself. */
function advisoryId(/** @type {string} */ url) {
  const match = /GHSA-[\w-]+$/.exec(url);
  return match ? match[0] : url;
}

/** Every advisory named in an `npm audit --json` report (format 2), once each. */
export function advisoriesOf(/** @type {unknown} */ report) {
  /** @type {Map<string, Advisory>} */
  const found = new Map();
  const vulnerabilities =
    report && typeof report === 'object' && 'vulnerabilities' in report
      ? /** @type {Record<string, { via?: unknown[] }>} */ (report.vulnerabilities)
      : {};
  for (const entry of Object.values(vulnerabilities)) {
    for (const via of entry.via ?? []) {
      // A string `via` points at another package's entry, which lists the advisory itself.
      if (!via || typeof via !== 'object') continue;
      const v = /** @type {{ name?: string, severity?: string, title?: string, url?: string }} */ (
        via
      );
      if (!v.url) continue;
      const id = advisoryId(v.url);
      found.set(id, {
        id,
        package: v.name ?? '?',
        severity: v.severity ?? 'unknown',
        title: v.title ?? '',
        url: v.url
      });
    }
  }
  return [...found.values()];
}

/** Checks the advisories against the exceptions on a given day (YYYY-MM-DD). */
export function evaluateAudit(
  /** @type {Advisory[]} */ advisories,
  /** @type {AuditException[]} */ exceptions,
  /** @type {string} */ today
) {
  /** @type {AuditVerdict} */
  const verdict = { failures: [], notices: [] };
  for (const exception of exceptions) {
    if (exception.expires < today) {
      verdict.failures.push(
        `exception for ${exception.advisory} (${exception.package}) expired on ${exception.expires}: look at it again`
      );
    }
  }
  for (const advisory of advisories) {
    const line = `${advisory.id} ${advisory.severity} in ${advisory.package}: ${advisory.title} (${advisory.url})`;
    const exception = exceptions.find((e) => e.advisory === advisory.id);
    if (exception) {
      verdict.notices.push(`excepted until ${exception.expires}: ${line}: ${exception.reason}`);
    } else if (FAILING.has(advisory.severity)) {
      verdict.failures.push(line);
    } else {
      verdict.notices.push(`low: ${line}`);
    }
  }
  return verdict;
}

/** Reads and checks audit-exceptions.json; throws with a readable message when malformed. */
export function readExceptions(/** @type {string} */ path) {
  const parsed = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${path}: expected an array`);
  for (const [i, e] of parsed.entries()) {
    for (const field of ['advisory', 'package', 'reason', 'added', 'expires']) {
      if (typeof e?.[field] !== 'string' || e[field] === '') {
        throw new Error(`${path}: entry ${i + 1} needs a non-empty "${field}"`);
      }
    }
    for (const field of ['added', 'expires']) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(e[field])) {
        throw new Error(`${path}: entry ${i + 1}: "${field}" must be a date (YYYY-MM-DD)`);
      }
    }
  }
  return /** @type {AuditException[]} */ (parsed);
}

async function main() {
  const exceptions = readExceptions('audit-exceptions.json');
  const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
  /** @type {unknown} */
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    report = null;
  }
  if (!report || typeof report !== 'object' || !('vulnerabilities' in report)) {
    const why =
      report && typeof report === 'object' && 'message' in report
        ? String(report.message)
        : (result.stderr || 'no answer').trim().split('\n')[0];
    const strict = process.env.AUDIT_STRICT === '1';
    console[strict ? 'error' : 'warn'](
      `audit: the advisory database could not be asked (${why}); ` +
        (strict ? 'failing (AUDIT_STRICT=1)' : 'NOT audited in this run')
    );
    process.exit(strict ? 1 : 0);
  }
  const today = new Date().toISOString().slice(0, 10);
  const verdict = evaluateAudit(advisoriesOf(report), exceptions, today);
  for (const notice of verdict.notices) console.log(`audit: ${notice}`);
  for (const failure of verdict.failures) console.error(`audit: FAIL ${failure}`);
  if (verdict.failures.length > 0) process.exit(1);
  console.log(
    `audit: production dependencies clean (${exceptions.length} dated exception(s) in audit-exceptions.json)`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
