/**
 * The cookie in which the reports page keeps the browser's time zone, so that the server can
 * start a direct open's report in the zone the page will ask for (+page.server.ts of
 * /w/[ws]/reports). Not a setting: the page rewrites it on every visit.
 */
export const REPORT_ZONE_COOKIE = 'runboard_tz';
