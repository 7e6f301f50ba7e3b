/**
 * On-call over REST against the production app (oncall-api.ts): schedules, overrides, who is on
 * call now, the calendar feed behind its token, escalation policies that must name what exists,
 * and an integration that points at one. Operators manage; members read.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { policySchema, scheduleSchema } from '../../src/lib/shared/oncall/schema';
import { errorShape, useRestApp } from '../helpers/rest';

const WS = 'oncallrest';
const rest = useRestApp(WS, ['owner', 'operator', 'member'], 'runboard-rest-oncall-');
const base = `/api/v1/workspaces/${WS}`;

describe('on-call schedules', () => {
  it('rotate, take overrides, answer who is on call, and publish a calendar feed', async () => {
    const operator = rest.users['operator']!.userId;
    const member = rest.users['member']!.userId;
    const create = await rest.call(
      'POST',
      `${base}/oncall/schedules`,
      {
        name: 'SRE 一线',
        timeZone: 'Asia/Shanghai',
        rotation: {
          participants: [operator, member],
          handoff: 'daily',
          handoffTime: '09:00',
          startDate: '2020-01-01'
        }
      },
      'operator'
    );
    expect(create.status, create.text).toBe(201);
    const created = scheduleSchema.parse(create.body);
    expect(created.onCallNow?.userId).toMatch(new RegExp(`^(${operator}|${member})$`));
    expect(created.feedPath).toMatch(/feed\.ics\?token=[a-z2-9]{40}$/);

    const refused = await rest.call(
      'POST',
      `${base}/oncall/schedules`,
      {
        name: 'x',
        timeZone: 'Mars/Olympus',
        rotation: {
          participants: [],
          handoff: 'daily',
          handoffTime: '09:00',
          startDate: '2026-01-01'
        }
      },
      'operator'
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(errorShape.parse(refused.body).error.details)).toContain('timeZone');
    const stranger = await rest.call(
      'POST',
      `${base}/oncall/schedules`,
      {
        name: 'x',
        timeZone: 'UTC',
        rotation: {
          participants: ['nobody'],
          handoff: 'daily',
          handoffTime: '09:00',
          startDate: '2026-01-01'
        }
      },
      'operator'
    );
    expect(stranger.status).toBe(400);
    expect(
      (
        await rest.call(
          'POST',
          `${base}/oncall/schedules`,
          {
            name: 'x',
            timeZone: 'UTC',
            rotation: {
              participants: [],
              handoff: 'daily',
              handoffTime: '09:00',
              startDate: '2026-01-01'
            }
          },
          'member'
        )
      ).status
    ).toBe(403);

    // An override puts the member on call for the next hour.
    const start = new Date(Date.now() - 60_000).toISOString();
    const end = new Date(Date.now() + 3_600_000).toISOString();
    const overridden = await rest.call(
      'POST',
      `${base}/oncall/schedules/${created.id}/overrides`,
      { userId: member, start, end },
      'operator'
    );
    expect(overridden.status, overridden.text).toBe(201);
    expect(scheduleSchema.parse(overridden.body).onCallNow?.userId).toBe(member);
    const now = z
      .array(
        z.object({
          scheduleId: z.string(),
          scheduleName: z.string(),
          onCall: z.object({ userId: z.string(), name: z.string() }).nullable()
        })
      )
      .parse((await rest.call('GET', `${base}/oncall/now`, undefined, 'member')).body);
    expect(now).toEqual([
      {
        scheduleId: created.id,
        scheduleName: 'SRE 一线',
        onCall: expect.objectContaining({ userId: member })
      }
    ]);

    // The calendar feed: no account, only its token.
    const feed = await fetch(`${rest.app.baseUrl}${created.feedPath}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const ics = await feed.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('X-WR-TIMEZONE:Asia/Shanghai');
    expect(ics.match(/BEGIN:VEVENT/g)!.length).toBeGreaterThan(90);
    expect(ics).toContain('(override)');
    const wrong = await fetch(
      `${rest.app.baseUrl}${created.feedPath.replace(/token=.*/, 'token=guess')}`
    );
    expect(wrong.status).toBe(404);
    const rotated = await rest.call(
      'POST',
      `${base}/oncall/schedules/${created.id}/feed-token`,
      undefined,
      'operator'
    );
    expect(rotated.status).toBe(201);
    expect((await fetch(`${rest.app.baseUrl}${created.feedPath}`)).status).toBe(404);

    // Escalation policies name what exists; an integration can use one.
    const channel = await rest.call('POST', `${base}/notification-channels`, {
      type: 'webhook',
      name: 'Team',
      url: 'http://127.0.0.1:9/hook'
    });
    const channelId = z.object({ id: z.string() }).parse(channel.body).id;
    const bad = await rest.call(
      'POST',
      `${base}/escalation-policies`,
      {
        name: 'P',
        steps: [
          { afterMinutes: 0, targets: [{ type: 'schedule', scheduleId: 'nosuch', channelId }] }
        ]
      },
      'operator'
    );
    expect(bad.status).toBe(400);
    const unordered = await rest.call(
      'POST',
      `${base}/escalation-policies`,
      {
        name: 'P',
        steps: [
          { afterMinutes: 5, targets: [{ type: 'channel', channelId }] },
          { afterMinutes: 5, targets: [{ type: 'channel', channelId }] }
        ]
      },
      'operator'
    );
    expect(unordered.status).toBe(400);
    const made = await rest.call(
      'POST',
      `${base}/escalation-policies`,
      {
        name: 'Default',
        steps: [
          { afterMinutes: 0, targets: [{ type: 'schedule', scheduleId: created.id, channelId }] },
          { afterMinutes: 15, targets: [{ type: 'channel', channelId }] }
        ]
      },
      'operator'
    );
    expect(made.status, made.text).toBe(201);
    const policy = policySchema.parse(made.body);
    const integration = await rest.call('POST', `${base}/integrations`, {
      type: 'alertmanager',
      name: 'AM',
      settings: { escalationPolicyId: policy.id }
    });
    expect(integration.status, integration.text).toBe(201);
    const noPolicy = await rest.call('POST', `${base}/integrations`, {
      type: 'alertmanager',
      name: 'AM',
      settings: { escalationPolicyId: 'nosuchpolicy' }
    });
    expect(noPolicy.status).toBe(400);
    // A schedule a policy pages cannot be deleted.
    expect(
      (await rest.call('DELETE', `${base}/oncall/schedules/${created.id}`, undefined, 'operator'))
        .status
    ).toBe(409);
    expect(
      (await rest.call('DELETE', `${base}/escalation-policies/${policy.id}`, undefined, 'operator'))
        .status
    ).toBe(204);
    expect(
      (await rest.call('DELETE', `${base}/oncall/schedules/${created.id}`, undefined, 'operator'))
        .status
    ).toBe(204);
  });
});
