/** Which configuration items an alert names (alerts/ci-links.ts). */
import { describe, expect, it } from 'vitest';
import { ciNamesOf } from '../../src/lib/server/alerts/ci-links';

describe('ciNamesOf', () => {
  it('reads the service label, the usual labels and instance hosts', () => {
    expect(
      ciNamesOf(
        {
          service: 'checkout',
          instance: 'db-1.prod.example.com:9104',
          job: 'mysqld',
          alertname: 'X'
        },
        {}
      )
    ).toEqual([
      'checkout',
      'db-1.prod.example.com:9104',
      'db-1.prod.example.com',
      'db-1',
      'mysqld'
    ]);
  });

  it('follows the integration: its service label and its own list', () => {
    expect(
      ciNamesOf(
        { app: '订单服务', box: '10.0.0.7:9100', instance: 'ignored' },
        { serviceLabel: 'app', ciLabels: ['box'] }
      )
    ).toEqual(['订单服务', '10.0.0.7:9100', '10.0.0.7']);
  });

  it('takes runboard_ci, URLs and IPv6 instances', () => {
    expect(
      ciNamesOf({ runboard_ci: 'core-switch', instance: 'https://api.internal/health' }, {})
    ).toEqual(['core-switch', 'https://api.internal/health', 'api.internal', 'api']);
    expect(ciNamesOf({ instance: '[fe80::1]:9100' }, {})).toEqual(['[fe80::1]:9100', 'fe80::1']);
  });
});
