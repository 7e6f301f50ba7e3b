import { authorizeWorkspacePage } from '$lib/server/api/page-access';
import { getRuntime } from '$lib/server/runtime';
import { reportParams, type ReportQuery } from '$lib/reports/report-data';
import { resolveRange, viewFromQuery } from '$lib/reports/report-range';
import { isTimeZone } from '$lib/shared/zoned-time';
import { REPORT_ZONE_COOKIE } from '$lib/reports/report-zone';
import type { PageServerLoad } from './$types';

/**
 * The first report of a direct open, started on the server as the request arrives instead of
 * after the page has loaded and mounted (about 0.4 s later): streamed to the page as a promise
 * beside the HTML. Only for the unfiltered view (label and service names are resolved by the
 * REST call) and in the zone the browser last told (`REPORT_ZONE_COOKIE`, else UTC); the page
 * uses it only when its own query and language are the same (`key`), and asks the REST API
 * otherwise — so a wrong guess costs nothing but the guess. The same access check as the REST
 * call, the same service, the same answer.
 *
 * Only for a direct open: a client-side navigation asks for this load as a data request
 * (`isDataRequest`), and there the page is already running and asks the REST API itself, so
 * nothing is computed here and the navigation is not held up by a server computation.
 */
export const load: PageServerLoad = async (event) => {
  if (event.isDataRequest) return { prefetch: null };
  const { ws } = event.params;
  const view = viewFromQuery(event.url.searchParams);
  if (view.service !== null || view.label !== null || view.team !== null || view.severity !== null)
    return { prefetch: null };
  await authorizeWorkspacePage(event, ws, 'read');
  const told = event.cookies.get(REPORT_ZONE_COOKIE);
  const range = resolveRange(
    view,
    Date.now(),
    told !== undefined && isTimeZone(told) ? told : 'UTC'
  );
  const query: ReportQuery = {
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    service: null,
    label: null,
    team: null,
    severity: null
  };
  const locale = event.locals.locale;
  const runtime = await getRuntime();
  // After the page's HTML is out: on SQLite the computation holds the event loop while it runs.
  const report: Promise<unknown> = new Promise((resolve) => setImmediate(resolve))
    .then(() => runtime.reports.kpis(ws, { ...query, locale, compare: 'previous', filters: {} }))
    .catch(() => null);
  return { prefetch: { key: `${reportParams(query).toString()}&locale=${locale}`, report } };
};
