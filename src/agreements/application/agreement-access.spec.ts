import type { Actor } from '../../core/event';
import { evolveAgreement, initialAgreementState } from '../domain/agreement.state';
import type { AgreementEvent } from '../domain/agreement.events';
import { activeKsb, agreementImported, banten, bengkulu, expire, expirePks, importAgreement, importPks, jabar, recordMonev, sukamara, terminate } from '../../../test/support/agreement-fixtures';
import { ReadOnlyRole, RoleNotAllowed, OperatorSeesNoAgreements, RegionNotAParty, RegionOutOfReach } from '../../access/access.errors';
import { authorizeCommand, authorizeRead, authorizeRegionRead, canSeeAgreementOf, regionReadScope } from './agreement-access';
import { actorOf, type Principal } from '../../access/principal';

const stateOf = (events: AgreementEvent[]) => events.reduce(evolveAgreement, initialAgreementState);
const engine: Actor = { userId: 'sinergi', role: 'system', region: banten };
const reader = (role: Principal['role'], region: string, national = false): Principal => ({
  userId: `${role}.${region}`,
  name: role,
  role,
  region,
  national,
  via: 'api-token',
});

describe('the engine', () => {
  const active = stateOf(activeKsb);

  it('records the expiry of a KSB or a PKS, which follows from time alone', () => {
    expect(() => authorizeCommand(engine, expire(), active)).not.toThrow();
    expect(() => authorizeCommand(engine, expirePks(), active)).not.toThrow();
  });

  it('records nothing a person decides', () => {
    expect(() => authorizeCommand(engine, terminate(), active)).toThrow(RoleNotAllowed);
    expect(() => authorizeCommand(engine, recordMonev(), active)).toThrow(RoleNotAllowed);
  });
});

describe('reading an agreement between Banten and Bengkulu', () => {
  const parties = [banten, bengkulu];

  it('is for the users of its parties, whatever their role but admin', () => {
    for (const role of ['coordinator', 'dinas-officer', 'auditor'] as const) {
      expect(canSeeAgreementOf(reader(role, bengkulu), parties)).toBe(true);
      expect(canSeeAgreementOf(reader(role, jabar), parties)).toBe(false);
    }
  });

  it('is open to an auditor with national scope from any region', () => {
    expect(canSeeAgreementOf(reader('auditor', '31', true), parties)).toBe(true);
  });

  it('is refused with the rule to others', () => {
    expect(() => authorizeRead(reader('coordinator', jabar), { parties })).toThrow(RegionNotAParty);
    expect(() => authorizeRead(reader('admin', banten), { parties })).toThrow(OperatorSeesNoAgreements);
  });

  it('never lets an auditor write, even of a party', () => {
    expect(() => authorizeCommand(actorOf(reader('auditor', banten, true)), recordMonev(), stateOf(activeKsb))).toThrow(ReadOnlyRole);
  });
});

describe('reading a region (its portfolio, list, reports), by one rule', () => {
  it('is for its own users, whatever their role but admin, and for an auditor with national scope', () => {
    for (const role of ['coordinator', 'dinas-officer', 'auditor'] as const) {
      expect(() => authorizeRegionRead(reader(role, banten), banten)).not.toThrow();
      expect(() => authorizeRegionRead(reader(role, jabar), banten)).toThrow(RegionOutOfReach);
    }
    expect(() => authorizeRegionRead(reader('auditor', '31', true), banten)).not.toThrow();
    expect(() => authorizeRegionRead(reader('admin', banten), banten)).toThrow(OperatorSeesNoAgreements);
  });

  it('scopes a list to the region asked for, else to the own region, and a national auditor to every region', () => {
    expect(regionReadScope(reader('coordinator', banten), undefined)).toBe(banten);
    expect(regionReadScope(reader('coordinator', banten), banten)).toBe(banten);
    expect(regionReadScope(reader('auditor', '31', true), undefined)).toBeUndefined();
    expect(regionReadScope(reader('auditor', '31', true), banten)).toBe(banten);
  });

  it('refuses a list of another region with the same rule, naming the query field', () => {
    expect(() => regionReadScope(reader('coordinator', jabar), banten)).toThrow(expect.objectContaining({ code: 'RegionOutOfReach', field: 'region' }));
    expect(() => regionReadScope(reader('admin', banten), undefined)).toThrow(OperatorSeesNoAgreements);
  });
});

describe('bringing in an agreement signed before Sinergi', () => {
  const coordinatorOf = (region: string): Actor => ({ userId: `k${region}`, role: 'coordinator', region });
  const imported = stateOf([agreementImported()]);

  it("is for a coordinator of one of its parties, or the operator on day one", () => {
    expect(() => authorizeCommand(coordinatorOf(jabar), importAgreement(), initialAgreementState)).not.toThrow();
    expect(() => authorizeCommand(coordinatorOf(sukamara), importPks(), imported)).not.toThrow();
    expect(() => authorizeCommand({ userId: 'ops', role: 'admin', region: jabar }, importAgreement(), initialAgreementState)).not.toThrow();
  });

  it("is refused to another region's coordinator, to dinas officers and to auditors", () => {
    expect(() => authorizeCommand(coordinatorOf(banten), importAgreement(), initialAgreementState)).toThrow(RegionNotAParty);
    expect(() => authorizeCommand(coordinatorOf(banten), importPks(), imported)).toThrow(RegionNotAParty);
    expect(() => authorizeCommand({ userId: 'd', role: 'dinas-officer', region: jabar, opd: 'Bappeda' }, importAgreement(), initialAgreementState)).toThrow(RoleNotAllowed);
    expect(() => authorizeCommand({ userId: 'a', role: 'auditor', region: jabar }, importAgreement(), initialAgreementState)).toThrow(RoleNotAllowed);
  });
});
