import { Forbidden } from '../core/domain-error';

/** Auditors read and admins operate the deployment: neither records a step of an agreement. */
export class ReadOnlyRole extends Forbidden {
  constructor(role: string) {
    super(
      role === 'auditor'
        ? 'an auditor only reads: auditors never record a step of an agreement'
        : 'an admin operates the deployment and is not a party: admins never record a step of an agreement',
    );
  }
}

/** The role does not do this kind of step, or does not reach this route. */
export class RoleNotAllowed extends Forbidden {
  constructor(role: string, what: string) {
    super(`a user with the role ${role} may not ${what}`);
  }
}

/** Users see and act on only the agreements their region is a party to. */
export class RegionNotAParty extends Forbidden {
  constructor(region: string) {
    super(`region ${region} is not a party to this agreement`);
  }
}

/** A coordinator speaks for their own region only. */
export class ActsForAnotherRegion extends Forbidden {
  constructor(region: string, party: string, field: string) {
    super(`a user of region ${region} acts only for ${region}, not for ${party}`, field);
  }
}

export class NotTheProposer extends Forbidden {
  constructor(region: string, proposer: string) {
    super(`only the proposer (${proposer}) may withdraw its offer; region ${region} is a counterpart`);
  }
}

/** A dinas officer acts only on their own OPD's work. */
export class NotYourOpd extends Forbidden {
  constructor(what: string, owner: string) {
    super(`${what} belongs to ${owner}`);
  }
}

/** A dinas officer records only the signature of their own OPD head, who signs with a special power of attorney. */
export class SignatoryNotOpdHead extends Forbidden {
  constructor() {
    super('a dinas officer records only the signature of their OPD head (capacity opd-head); a head of region signs through the coordinator', 'signatory.capacity');
  }
}

/** An admin is the deployment's operator, not a party: agreements are not theirs to read. */
export class OperatorSeesNoAgreements extends Forbidden {
  constructor() {
    super('an admin operates the deployment and reads no agreement; an auditor with national scope reads them all');
  }
}

/** A region (its agreements, portfolio, reports) is read by its own users, and by auditors with national scope. */
export class RegionOutOfReach extends Forbidden {
  constructor(own: string, region: string, field: string) {
    super(`a user of region ${own} reads the agreements of ${own}, not those of ${region}; only an auditor with national scope reads every region`, field);
  }
}
