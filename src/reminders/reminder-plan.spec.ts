import type { Deadline } from '../../projections/agreement-status/deadlines';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../agreements/domain/policy';
import { fireInstant, isSuperseded, jobIdOf, planReminders } from './reminder-plan';
import { MAX_JOBS_PER_AGREEMENT, withinJobCap } from './reminder-scheduler';
import { followUpDeadline } from '../../test/support/follow-up-deadline';

const followUp = followUpDeadline;
const byDefault = (): ReminderPolicy => DEFAULT_REMINDER_POLICY;
const steps = (today: string, policy: (region: string) => ReminderPolicy = byDefault) => planReminders(followUp, policy, today).map((r) => r.step);

describe('the reminder plan of a follow-up', () => {
  it('reminds 7 and 1 days before, on the day, then escalates 7 days overdue and weekly up to the cap', () =>
    expect(steps('2026-01-05')).toEqual(['D-7', 'D-1', 'D0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8']));

  it('fires each step at 08:00 WIB of its day', () => {
    const [dMinus7, , , e1, e2] = planReminders(followUp, byDefault, '2026-01-05');
    expect(dMinus7.fireOn).toBe('2026-06-23');
    expect(dMinus7.fireAt).toBe(Date.parse('2026-06-23T01:00:00.000Z'));
    expect([e1.fireOn, e2.fireOn]).toEqual(['2026-07-07', '2026-07-14']);
    expect(fireInstant('2026-06-23', 8, '17')).toBe(Date.parse('2026-06-23T08:00:00+07:00'));
  });

  it("fires at the policy's hour in the reminded region's own time zone: 08:00 WITA in Luwu Timur, 08:00 WIT in Papua", () => {
    const [inLuwuTimur] = planReminders({ ...followUp, recipients: [{ region: '73.24', role: 'opd', opd: 'Dinas Kesehatan' }] }, byDefault, '2026-01-05');
    expect(inLuwuTimur.fireAt).toBe(Date.parse('2026-06-23T08:00:00+08:00'));
    expect(fireInstant('2026-06-23', 8, '91')).toBe(Date.parse('2026-06-23T08:00:00+09:00'));
  });

  it('reminds only the OPD before the due date, and its head and the coordinator too on escalation', () => {
    const [dMinus7, , , e1] = planReminders(followUp, byDefault, '2026-01-05');
    expect(dMinus7.recipients.map((r) => r.role)).toEqual(['opd']);
    expect(e1.recipients.map((r) => r.role)).toEqual(['opd', 'opd-head', 'coordinator']);
    expect(e1.escalation).toBe(true);
  });

  it('leaves out reminders more than the catch-up window late', () => expect(steps('2026-07-06')).toEqual(['D-1', 'D0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8']));

  it('follows the region policy: a cap of two escalations, 14 days apart', () => {
    const policy: ReminderPolicy = {
      ...DEFAULT_REMINDER_POLICY,
      rules: { ...DEFAULT_REMINDER_POLICY.rules, 'follow-up-due': { ...DEFAULT_REMINDER_POLICY.rules['follow-up-due'], escalation: { afterDays: 7, everyDays: 14, times: 2 } } },
    };
    const plan = planReminders(followUp, () => policy, '2026-01-05');
    expect(plan.filter((r) => r.escalation).map((r) => r.fireOn)).toEqual(['2026-07-07', '2026-07-21']);
  });

  it('gives the same ids to the same deadline, and new ids once its due date moves', () => {
    const ids = planReminders(followUp, byDefault, '2026-01-05').map((r) => r.reminderId);
    expect(planReminders(followUp, byDefault, '2026-02-01').map((r) => r.reminderId)).toEqual(ids);
    expect(ids[0]).toBe('a1/follow-up-due/tl-1|17|D-7|2026-06-30');
    const moved = planReminders({ ...followUp, dueOn: '2026-07-31' }, byDefault, '2026-01-05').map((r) => r.reminderId);
    expect(moved.filter((id) => ids.includes(id))).toEqual([]);
  });

  it('makes job ids BullMQ accepts (no colon)', () => expect(jobIdOf('a:b|17|D0|2026-06-30')).toBe('a_b|17|D0|2026-06-30'));

  it('counts an earlier reminder superseded once a later one of the same deadline is due', () => {
    const plan = planReminders(followUp, byDefault, '2026-06-30');
    const dMinus1 = plan.find((r) => r.step === 'D-1');
    if (!dMinus1) throw new Error('D-1 planned');
    expect(isSuperseded(dMinus1, plan, Date.parse('2026-06-29T09:00:00+07:00'))).toBe(false);
    expect(isSuperseded(dMinus1, plan, Date.parse('2026-06-30T09:00:00+07:00'))).toBe(true);
  });
});

describe('the reminder plan of a KSB end', () => {
  const ksbEnd: Deadline = {
    ...followUp,
    deadlineId: 'a1/ksb-end/a1',
    kind: 'ksb-end',
    dueOn: '2030-10-23',
    recipients: [
      { region: '36', role: 'coordinator' },
      { region: '17', role: 'coordinator' },
    ],
  };

  it('reminds each party 180, 90 and 30 days before (the expiry watch records the end, reminders or not)', () => {
    const plan = planReminders(ksbEnd, byDefault, '2026-01-05');
    expect(plan.filter((r) => r.region === '17').map((r) => r.step)).toEqual(['D-180', 'D-90', 'D-30']);
    expect(plan.filter((r) => r.region === '36').map((r) => r.step)).toEqual(['D-180', 'D-90', 'D-30']);
  });

  it('has nothing left to send once the end is past the catch-up window', () => expect(planReminders(ksbEnd, byDefault, '2031-06-01')).toEqual([]));
});

describe('an agreement whose deadlines would plan more timers than the shared Redis allows one agreement', () => {
  const manyFollowUps = Array.from({ length: 400 }, (_, n) =>
    planReminders({ ...followUp, deadlineId: `a1/follow-up-due/tl-${n}`, dueOn: `2026-${String(1 + (n % 12)).padStart(2, '0')}-28` }, byDefault, '2026-01-05'),
  ).flat();

  it('queues at most the cap, the soonest first; the later ones wait for a later reconcile', () => {
    expect(manyFollowUps.length).toBeGreaterThan(MAX_JOBS_PER_AGREEMENT);
    const queued = withinJobCap('a1', manyFollowUps);
    expect(queued).toHaveLength(MAX_JOBS_PER_AGREEMENT);
    const latestQueued = Math.max(...queued.map((r) => r.fireAt));
    expect(manyFollowUps.filter((r) => !queued.includes(r)).every((r) => r.fireAt >= latestQueued)).toBe(true);
  });

  it('leaves a plan within the cap as it is', () => {
    const few = manyFollowUps.slice(0, 10);
    expect(withinJobCap('a1', few)).toBe(few);
  });
});
