// The benchmark's runbook: about 50 "pages" of realistic operations Markdown (headings,
// paragraphs, code blocks, tables, task lists), deterministic so runs compare.

const SERVICES = [
  'postgres-primary',
  'redis-cache',
  'kafka-broker',
  'ingress-nginx',
  'billing-api',
  'search-indexer',
  'object-store',
  'auth-gateway',
  'metrics-pipeline',
  'dns-resolver'
];

const SENTENCES = [
  'Confirm the alert is still firing before you change anything, and note the time in the incident channel.',
  'If replication lag is above thirty seconds, stop here and page the database on-call engineer.',
  'Check the dashboard for error rates across all three regions; a single region points to the load balancer.',
  'Drain traffic gradually so that in-flight requests finish and clients retry against healthy nodes.',
  'Write down every command you run, with its output, so the post-incident review has a full timeline.',
  'Do not restart more than one node at a time: the cluster needs a quorum to accept writes.',
  'When the disk is more than ninety percent full, rotate the logs first and only then resize the volume.',
  'Ask the service owner before rolling back a release that includes a schema migration.',
  'The health check may report green while the queue is still backing up, so watch the consumer lag too.',
  'Once the service is stable for fifteen minutes, lower the incident severity and hand over to the day shift.'
];

/**
 * @param {number} n
 * @param {number} i
 */
const sentence = (n, i) => SENTENCES[(n * 7 + i * 3) % SENTENCES.length];

/** Heading of the runbook's last section: the editor is complete once it shows this. */
export const LAST_HEADING = 'Sign-off and handover';

/**
 * One page of the runbook (~4 KB).
 * @param {number} n 1-based page number
 */
function page(n) {
  const service = SERVICES[n % SERVICES.length];
  const para = (/** @type {number} */ k) =>
    Array.from({ length: 4 }, (_, i) => sentence(n, k * 4 + i)).join(' ');
  return [
    `## ${n}. Recover ${service} (step group ${n})`,
    '',
    para(0),
    '',
    para(1),
    '',
    para(4),
    '',
    para(5),
    '',
    `### Check the state of ${service}`,
    '',
    '```bash',
    `kubectl -n prod get pods -l app=${service} -o wide`,
    `kubectl -n prod logs deploy/${service} --since=15m | grep -iE 'error|timeout' | tail -n 50`,
    `curl -fsS https://${service}.internal/healthz || echo "health check failed"`,
    '```',
    '',
    para(2),
    '',
    '| Signal | Healthy | Act when |',
    '| --- | --- | --- |',
    `| p99 latency | under 250 ms | over 1 s for 5 min |`,
    `| error rate | under 0.1 % | over 2 % |`,
    `| saturation (${service}) | under 70 % | over 90 % |`,
    '',
    '- [ ] Alert acknowledged in the paging tool',
    `- [ ] ${service} owner informed`,
    '- [x] Dashboard link pasted in the incident channel',
    '- [ ] Timeline updated',
    '',
    para(3),
    '',
    para(6),
    '',
    para(7),
    '',
    para(8),
    ''
  ].join('\n');
}

/**
 * The whole runbook: `pages` pages plus a closing section, about 4 KB a page.
 * @param {number} pages
 */
export function runbookMarkdown(pages) {
  const parts = ['# Production recovery handbook', '', sentence(0, 0) ?? '', ''];
  for (let n = 1; n <= pages; n++) parts.push(page(n));
  parts.push(`## ${LAST_HEADING}`, '', sentence(1, 1) ?? '', '');
  return parts.join('\n');
}
