// The deliveries of the alert-intake benchmark: Alertmanager webhook bodies (version 4) as its
// webhook receiver sends them (tests/fixtures/alerts/alertmanager-firing.json is one recorded
// from the real Alertmanager), generated from a seed so every run posts the same load.
import { createHash } from 'node:crypto';

/** Alert names of a Kubernetes cluster's usual rules (kube-prometheus), for realistic labels. */
const ALERT_NAMES = [
  'KubePodCrashLooping',
  'KubePodNotReady',
  'KubeContainerWaiting',
  'NodeFilesystemSpaceFillingUp',
  'NodeHighCPUUsage',
  'TargetDown',
  'HighRequestLatency',
  'KubeDeploymentReplicasMismatch'
];
const SEVERITIES = ['critical', 'warning', 'warning', 'info'];
const CLUSTERS = ['prod-eu-1', 'prod-us-1', 'staging-1'];
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** mulberry32: a small seeded PRNG, so the load is the same in every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Alertmanager's fingerprint is a 64-bit hash of the sorted labels, printed as 16 hex digits;
 * any stable hash of them does for the intake, which takes the fingerprint as sent.
 * @param {Record<string, string>} labels
 */
function fingerprintOf(labels) {
  const text = Object.keys(labels)
    .sort()
    .map((name) => `${name}\u0000${labels[name]}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * @typedef {object} Delivery
 * @property {number} group the distinct group (batch) it belongs to
 * @property {boolean} resend whether it repeats an earlier delivery of its group
 * @property {Buffer} body the JSON body
 * @property {number} alerts alerts in it
 */

/**
 * The deliveries of a run: `count` bodies of `size` alerts each; a share `resendShare` of them
 * (never the first) repeats an earlier body byte for byte, as Alertmanager's re-send of an
 * unchanged group at every group_interval does. Every other body is a new group (its own
 * group key, `size` alerts with their own fingerprints). Also returns, per group, what intake
 * must end up with: its group key and the `fingerprint@startsAt` of each of its alerts.
 * @param {{ count: number, size: number, resendShare: number, seed?: number, externalUrl: string }} o
 */
export function makeDeliveries(o) {
  const random = prng(o.seed ?? 13);
  const now = Date.now();
  /** @type {Buffer[]} */
  const groups = [];
  /** @type {Delivery[]} */
  const deliveries = [];
  /** @type {{ groupKey: string, occurrences: string[] }[]} */
  const expected = [];
  for (let i = 0; i < o.count; i++) {
    if (groups.length > 0 && random() < o.resendShare) {
      const group = Math.floor(random() * groups.length);
      deliveries.push({
        group,
        resend: true,
        body: /** @type {Buffer} */ (groups[group]),
        alerts: o.size
      });
      continue;
    }
    const group = groups.length;
    const alertname = /** @type {string} */ (ALERT_NAMES[group % ALERT_NAMES.length]);
    const cluster = /** @type {string} */ (CLUSTERS[group % CLUSTERS.length]);
    const namespace = `team-${group}`;
    const severity = /** @type {string} */ (SEVERITIES[group % SEVERITIES.length]);
    const groupLabels = { alertname, cluster, namespace };
    const common = {
      ...groupLabels,
      severity,
      job: 'kube-state-metrics',
      prometheus: 'monitoring/k8s'
    };
    const alerts = Array.from({ length: o.size }, (_, a) => {
      const pod = `api-${group.toString(36)}-${a.toString(36).padStart(3, '0')}`;
      const labels = {
        ...common,
        pod,
        container: 'api',
        instance: `10.${group % 250}.${Math.floor(a / 250)}.${a % 250}:8080`
      };
      // Alertmanager sends times with the precision they were posted with; whole seconds here.
      const startsAt = new Date(
        Math.floor((now - 60_000 - Math.floor(random() * 3_600_000)) / 1000) * 1000
      ).toISOString();
      const fingerprint = fingerprintOf(labels);
      return {
        status: 'firing',
        labels,
        annotations: {
          summary: `${alertname} on ${pod}`,
          description: `Pod ${namespace}/${pod} (${cluster}) has been failing ${alertname} for more than 5 minutes.`,
          runbook_url: `https://runbooks.example/${alertname.toLowerCase()}`
        },
        startsAt,
        endsAt: ZERO_TIME,
        generatorURL: `http://prometheus.${cluster}.example:9090/graph?g0.expr=ALERTS%7Balertname%3D%22${alertname}%22%7D`,
        fingerprint
      };
    });
    const groupKey = `{}:{alertname="${alertname}", cluster="${cluster}", namespace="${namespace}"}`;
    const body = Buffer.from(
      JSON.stringify({
        receiver: 'runboard',
        status: 'firing',
        alerts,
        groupLabels,
        commonLabels: common,
        commonAnnotations: {},
        externalURL: o.externalUrl,
        version: '4',
        groupKey,
        truncatedAlerts: 0
      })
    );
    groups.push(body);
    expected.push({ groupKey, occurrences: alerts.map((a) => `${a.fingerprint}@${a.startsAt}`) });
    deliveries.push({ group, resend: false, body, alerts: o.size });
  }
  return { deliveries, expected };
}
