import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REMINDER_POLICY } from '../agreements/domain/policy';
import { SqliteEventStore } from '../infrastructure/sqlite/sqlite.event-store';
import { coordinatorOf, registryNode, type RegistryNode } from '../../test/support/registry-node';
import { InvalidPolicyOverride, type PolicyOverride, ReminderPolicies } from './reminder-policies';

describe('the reminder policy of a region', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  let node: RegistryNode;
  let policies: ReminderPolicies;
  const at = new Date('2026-01-05T03:00:00.000Z');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-policy-'));
    file = join(dir, 'policy.json');
    writeFileSync(
      file,
      JSON.stringify({
        regions: {
          '17': { sendAtHour: 7, rules: { 'follow-up-due': { remindDaysBefore: [14, 7, 1] } }, durations: { offerAnswerDays: 45 } },
        },
      }),
    );
    store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    node = await registryNode(store);
    policies = new ReminderPolicies(node.registry, node.processor, file);
  });

  afterEach(async () => {
    await node.close();
    await store.close();
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

  it('takes the API over the config file, keeps what the API leaves alone, and gets a new version', async () => {
    const before = policies.of('17').version;
    const after = await policies.override('17', { rules: { 'follow-up-due': { remindOnDueDay: false } } }, coordinatorOf('17'), at);
    expect(after.overriddenBy).toEqual(['config-file', 'api']);
    expect(after.reminders.rules['follow-up-due']).toMatchObject({ remindDaysBefore: [14, 7, 1], remindOnDueDay: false });
    expect(after.reminders.sendAtHour).toBe(7);
    expect(after.version).not.toBe(before);
    expect(policies.changes).toBe(1);
  });

  it('is an event of the region, with who changed it and when', async () => {
    await policies.override('36', { catchUpDays: 3 }, coordinatorOf('36'), at);
    const [changed] = await store.readStream('region-policy-36');
    expect(changed).toMatchObject({ type: 'ReminderPolicyChanged', data: { region: '36', override: { catchUpDays: 3 } } });
    expect(changed.metadata).toMatchObject({ actor: coordinatorOf('36'), occurredAt: at.toISOString() });
  });

  it('is the same on a node that folds the log afresh (a restart, or another node)', async () => {
    await policies.override('36', { catchUpDays: 3 }, coordinatorOf('36'), at);
    const other = await registryNode(store);
    try {
      expect(new ReminderPolicies(other.registry, other.processor).of('36').reminders.catchUpDays).toBe(3);
    } finally {
      await other.close();
    }
  });

  describe('an override that would break the engine or flood the queue', () => {
    const refused: [string, unknown, string][] = [
      ['a rule set to null', { rules: { monev: null } }, 'rules.monev'],
      ['an unknown deadline kind', { rules: { 'tea-break': { remindOnDueDay: true } } }, 'rules.tea-break'],
      ['a field that would stop the expiry being recorded', { rules: { 'ksb-end': { recordExpiryOnDueDay: false } } }, 'rules.ksb-end.recordExpiryOnDueDay'],
      ['escalations every 0 days', { rules: { 'follow-up-due': { escalation: { afterDays: 7, everyDays: 0, times: 8 } } } }, 'rules.follow-up-due.escalation.everyDays'],
      ['too many escalations', { rules: { 'follow-up-due': { escalation: { afterDays: 7, everyDays: 7, times: 100 } } } }, 'rules.follow-up-due.escalation.times'],
      ['too many reminders before the day', { rules: { monev: { remindDaysBefore: Array.from({ length: 11 }, (_, i) => i + 1) } } }, 'rules.monev.remindDaysBefore'],
      ['an hour that does not exist', { sendAtHour: 24 }, 'sendAtHour'],
      ['a duration beyond its bounds', { durations: { ksbMaxTermMonths: 600 } }, 'durations.ksbMaxTermMonths'],
      ['an unknown top-level field', { stopEverything: true }, 'stopEverything'],
    ];
    it.each(refused)('refuses %s, naming the field, and records nothing', async (_what, override, field) => {
      const attempt = policies.override('36', override as PolicyOverride, coordinatorOf('36'), at);
      await expect(attempt).rejects.toThrow(InvalidPolicyOverride);
      await expect(attempt).rejects.toMatchObject({ field });
      expect(await store.headPosition()).toBe(0);
    });
  });
});
