/**
 * Which configuration items an alert is about: the values of the labels that name things
 * (the integration's `ciLabels`, else its service label and the usual Prometheus ones), matched
 * by the alerts service against CMDB item names. `instance` values are usually `host:port`, so
 * the host alone is tried too; `runboard_ci` names an item outright.
 */

/** Labels read when an integration names none. */
export const DEFAULT_CI_LABELS = [
  'instance',
  'host',
  'hostname',
  'node',
  'nodename',
  'job',
  'cluster'
];

/** The most names one incident is matched against, and the most items linked to it. */
export const MAX_CI_NAMES = 40;
export const MAX_CI_LINKS = 10;

/** The names worth looking up for an incident with these labels. */
export function ciNamesOf(
  labels: Readonly<Record<string, string>>,
  settings: { ciLabels?: readonly string[] | undefined; serviceLabel?: string | undefined }
): string[] {
  const keys = [
    'runboard_ci',
    settings.serviceLabel ?? 'service',
    ...(settings.ciLabels ?? DEFAULT_CI_LABELS)
  ];
  const names = new Set<string>();
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (!value) continue;
    names.add(value);
    // host:port, [v6]:port, and a URL's host.
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(value);
    if (url?.[1]) names.add(url[1]);
    const hostPort = /^\[?([^\]]+?)\]?:\d+$/.exec(value);
    if (hostPort?.[1]) names.add(hostPort[1]);
    // A fully qualified host also under its short name.
    const host = url?.[1] ?? hostPort?.[1] ?? value;
    const parts = host.split('.');
    const hostName = parts.length > 1 && parts.every((part) => /^[a-z0-9-]+$/i.test(part));
    if (hostName && !parts.every((part) => /^\d+$/.test(part))) {
      names.add(parts[0] as string);
    }
  }
  return [...names].slice(0, MAX_CI_NAMES);
}
