import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REMINDER_POLICY } from '../agreements/domain/policy';
import { InvalidPolicyOverride, ReminderPolicies } from './reminder-policies';
import { RemindersStore } from './reminders.store';

describe('the reminder policy of a region', () => {
  let dir: string;
  let store: RemindersStore;
  let policies: ReminderPolicies;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(
      file,
      JSON.stringify({
        regions: {
          '17': { sendAtHour: 7, rules: { 'follow-up-due': { remindDaysBefore: [14, 7, 1] } }, durations: { offerAnswerDays: 45 } },
        },
      }),
    );
    store = RemindersStore.open(join(dir, 'reminders.sqlite'));
    policies = new ReminderPolicies(store, file);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the default, noting law or practice, where nothing overrides it', () => {
    const banten = policies.of('36');
    expect(banten.reminders).toBe(DEFAULT_REMINDER_POLICY);
    expect(banten.overriddenBy).toEqual([]);
    expect(banten.reminders.rules.monev.basis).toBe('law');
  });

  it('takes the config file over the defaults, entry by entry, as practice', () => {
    const bengkulu = policies.of('17');
    expect(bengkulu.overriddenBy).toEqual(['config-file']);
    expect(bengkulu.reminders.sendAtHour).toBe(7);
    expect(bengkulu.reminders.rules['follow-up-due']).toMatchObject({ remindDaysBefore: [14, 7, 1], remindOnDueDay: true, basis: 'practice' });
    expect(bengkulu.reminders.rules['ksb-end']).toEqual(DEFAULT_REMINDER_POLICY.rules['ksb-end']);
    expect(bengkulu.agreement.offerAnswerDays.value).toBe(45);
  });

  it('takes the API over the config file, keeps what the API leaves alone, and gets a new version', () => {
    const before = policies.of('17').version;
    const after = policies.override('17', { rules: { 'follow-up-due': { remindOnDueDay: false } } }, 'biro-17', '2026-01-05T03:00:00.000Z');
    expect(after.overriddenBy).toEqual(['config-file', 'api']);
    expect(after.reminders.rules['follow-up-due']).toMatchObject({ remindDaysBefore: [14, 7, 1], remindOnDueDay: false });
    expect(after.reminders.sendAtHour).toBe(7);
    expect(after.version).not.toBe(before);
    expect(policies.changes).toBe(1);
  });

  it('keeps API overrides across restarts', () => {
    policies.override('36', { catchUpDays: 3 }, 'biro-36', '2026-01-05T03:00:00.000Z');
    expect(new ReminderPolicies(store).of('36').reminders.catchUpDays).toBe(3);
  });

  it('refuses an override it cannot apply', () => {
    expect(() => policies.override('36', { sendAtHour: 24 }, 'biro-36', 'now')).toThrow(InvalidPolicyOverride);
    expect(() => policies.override('36', { rules: { 'follow-up-due': { escalation: { afterDays: 7, everyDays: 7, times: 100 } } } }, 'biro-36', 'now')).toThrow(
      InvalidPolicyOverride,
    );
  });
});
