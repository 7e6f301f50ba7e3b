/**
 * What the settings page hands an admin after creating an integration or replacing its secret:
 * an Alertmanager `webhook_configs` receiver to paste, and a curl command that sends a test
 * alert in the integration's own format (for generic JSON, shaped by its field mapping).
 * Framework-free and pure, so the exact text is unit-tested.
 */
import {
  DEFAULT_GENERIC_MAPPING,
  type GenericMapping,
  type IntegrationType
} from '../shared/alerts/schema';

/** A receiver for alertmanager.yml that posts to `url` with the secret as bearer token. */
export function alertmanagerYaml(url: string, secret: string): string {
  return [
    'receivers:',
    '  - name: runboard',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(url)}`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: ${JSON.stringify(secret)}`
  ].join('\n');
}

/** Puts `value` at the dotted `path` of `target`, making the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] ?? path] = value;
}

/** A test alert as a generic JSON source following `mapping` would send it. */
export function genericTestBody(mapping: GenericMapping): unknown {
  const alert: Record<string, unknown> = {};
  setPath(alert, mapping.title, 'Runboard test alert');
  if (mapping.fingerprint) setPath(alert, mapping.fingerprint, 'runboard-test');
  if (mapping.status) setPath(alert, mapping.status, 'firing');
  if (mapping.severity) setPath(alert, mapping.severity, 'warning');
  if (mapping.description) {
    setPath(alert, mapping.description, 'Sent from the Runboard settings page.');
  }
  for (const [name, path] of Object.entries(mapping.labels ?? {})) {
    setPath(alert, path, name === 'alertname' ? 'RunboardTest' : 'test');
  }
  if (!mapping.alerts) return alert;
  const body: Record<string, unknown> = {};
  setPath(body, mapping.alerts, [alert]);
  return body;
}

/** The start time placeholder the shell fills in, so every run is a new firing. */
const NOW = '__NOW__';

/** A test alert in Alertmanager's (and Grafana's) webhook format. */
function alertmanagerTestBody(): unknown {
  return {
    version: '4',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'RunboardTest', severity: 'warning' },
        annotations: { summary: 'Runboard test alert' },
        startsAt: NOW
      }
    ]
  };
}

/** Quotes `text` for a POSIX shell (single quotes; a quote inside is closed and escaped). */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

/**
 * A curl command posting a test alert to `url` with `secret`. The Alertmanager and Grafana
 * bodies take their start time from `date` (a fixed one would be a re-send after the first run).
 */
export function curlExample(
  type: IntegrationType,
  url: string,
  secret: string,
  mapping: GenericMapping = DEFAULT_GENERIC_MAPPING
): string {
  const body = JSON.stringify(
    type === 'generic' ? genericTestBody(mapping) : alertmanagerTestBody()
  );
  const quoted = shellQuote(body).replace(`"${NOW}"`, `"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'"`);
  return [
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${secret}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${quoted}`
  ].join('\n');
}
