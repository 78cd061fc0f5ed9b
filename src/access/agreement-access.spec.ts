import type { Actor } from '../core/event';
import { evolveAgreement, initialAgreementState } from '../agreements/domain/agreement.state';
import type { AgreementEvent } from '../agreements/domain/agreement.events';
import { activeKsb, banten, bengkulu, expire, expirePks, jabar, recordMonev, terminate } from '../../test/support/agreement-fixtures';
import { ReadOnlyRole, RoleNotAllowed, OperatorSeesNoAgreements, RegionNotAParty } from './access.errors';
import { authorizeCommand, authorizeRead, canSeeAgreementOf } from './agreement-access';
import type { Principal } from './principal';

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
    expect(() => authorizeCommand(reader('auditor', banten, true), recordMonev(), stateOf(activeKsb))).toThrow(ReadOnlyRole);
  });
});
