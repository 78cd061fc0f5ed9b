import { assertNever } from '../../core/decider';
import type { Actor } from '../../core/event';
import type { AgreementCommand, ImportAgreement, ImportPks } from '../domain/agreement.commands';
import type { AgreementState, RecordedAgreement } from '../domain/agreement.state';
import {
  ActsForAnotherRegion,
  NotTheProposer,
  NotYourOpd,
  OperatorSeesNoAgreements,
  ReadOnlyRole,
  RegionNotAParty,
  RegionOutOfReach,
  RoleNotAllowed,
  SignatoryNotOpdHead,
} from '../../access/access.errors';
import type { Principal } from '../../access/principal';

/**
 * May this actor send this command to the agreement in this state? Throws the rule it breaks (HTTP 403).
 *
 * It runs inside the command path, on the state the command is decided on, so it judges the agreement as it is
 * now (and again on a retry after a concurrent write), and a refusal writes nothing. A command on an agreement
 * that does not exist passes, so the decider answers 404 as it would to anyone.
 */
export function authorizeCommand(actor: Actor, command: AgreementCommand, state: AgreementState): void {
  const { role, region } = actor;
  if (command.type === 'ImportAgreement' || command.type === 'ImportPks') return authorizeImport(actor, command, state);
  if (role === 'auditor' || role === 'admin') throw new ReadOnlyRole(role);
  if (role === 'system') {
    // The engine records only what follows from time.
    if (command.type !== 'ExpireAgreement' && command.type !== 'ExpirePks') throw new RoleNotAllowed(role, stepName(command));
    return;
  }
  if (command.type === 'ProposeAgreement') {
    coordinatorOnly(actor, command);
    forOwnRegion(actor, command.data.proposer, 'proposer');
    return;
  }
  if (state.stage === 'none') return;
  requireParty(region, state.parties);

  switch (command.type) {
    case 'AcceptOffer':
    case 'DeclineOffer':
    case 'ApproveDraft':
    case 'SignAgreement':
    case 'SubmitSemesterReport':
    case 'RecordMonev':
    case 'RequestPksDprdApproval':
    case 'DecidePksDprdApproval':
    case 'AssignFollowUp':
      coordinatorOnly(actor, command);
      return forOwnRegion(actor, command.data.party, 'party');
    case 'WithdrawAgreement':
      coordinatorOnly(actor, command);
      if (region !== state.proposer) throw new NotTheProposer(region, state.proposer);
      return;
    case 'ReviseDraft':
    case 'ScheduleSigning':
    case 'AmendAgreement':
    case 'ExtendAgreement':
    case 'TerminateAgreement':
    case 'ExpireAgreement':
    case 'AmendPks':
    case 'ExtendPks':
    case 'TerminatePks':
    case 'ExpirePks':
      // Joint steps: the coordinator of any party records them.
      return coordinatorOnly(actor, command);
    case 'RequestReciprocalVisit': {
      coordinatorOnly(actor, command);
      const { host, visitor } = command.data;
      if (region !== host && region !== visitor) throw new ActsForAnotherRegion(region, host, 'host');
      return;
    }
    case 'ScheduleReciprocalVisit':
    case 'RecordReciprocalVisit':
    case 'CancelReciprocalVisit': {
      coordinatorOnly(actor, command);
      const visit = state.visits.find((v) => v.visitId === command.data.visitId);
      if (visit && region !== visit.host && region !== visit.visitor) {
        throw new ActsForAnotherRegion(region, `${visit.host} and ${visit.visitor}`, 'visitId');
      }
      return;
    }
    case 'DraftPks':
      if (role === 'dinas-officer') {
        const lead = command.data.leadOpds.find((l) => l.party === region);
        if (lead?.opd !== actor.opd) throw new NotYourOpd(`the lead of this PKS for ${region}`, lead?.opd ?? 'no OPD named');
      }
      return;
    case 'RevisePks':
      if (role === 'dinas-officer') requireLeadOpd(actor, state, command.data.pksId);
      return;
    case 'SignPks':
      forOwnRegion(actor, command.data.party, 'party');
      if (role === 'dinas-officer') {
        requireLeadOpd(actor, state, command.data.pksId);
        if (command.data.signatory.capacity !== 'opd-head') throw new SignatoryNotOpdHead();
      }
      return;
    case 'ExtendFollowUpDueDate':
    case 'CancelFollowUp': {
      coordinatorOnly(actor, command);
      const followUp = state.followUps.find((f) => f.followUpId === command.data.followUpId);
      if (followUp) forOwnRegion(actor, followUp.party, 'followUpId');
      return;
    }
    case 'AcknowledgeFollowUp':
    case 'ReportFollowUpProgress':
    case 'CompleteFollowUp': {
      // Only the OPD itself says it has taken on, advanced or finished its task.
      if (role !== 'dinas-officer') throw new RoleNotAllowed(role, stepName(command));
      const followUp = state.followUps.find((f) => f.followUpId === command.data.followUpId);
      if (followUp && (followUp.party !== region || followUp.opd !== actor.opd)) {
        throw new NotYourOpd(`follow-up ${followUp.followUpId}`, `${followUp.opd} of ${followUp.party}`);
      }
      return;
    }
    default:
      return assertNever(command);
  }
}

/**
 * Bringing in agreements signed before Sinergi is a coordinator's work for their own region's agreements, or the
 * operator's on day one, for any region: what the operator records stays theirs in the trail.
 */
function authorizeImport(actor: Actor, command: ImportAgreement | ImportPks, state: AgreementState): void {
  if (actor.role === 'admin') return;
  coordinatorOnly(actor, command);
  if (command.type === 'ImportAgreement') return requireParty(actor.region, [command.data.proposer, ...command.data.counterparts]);
  // A PKS under no KSB: the decider answers 404, as it would to anyone.
  if (state.stage === 'none') return;
  requireParty(actor.region, state.parties);
}

/**
 * May this user read the agreement (its state, history, PKS, follow-ups, visits, audit trail)? Throws the rule
 * it breaks. Its parties never change after the proposal, so any version of the state answers alike.
 */
export function authorizeRead(viewer: Principal, state: Pick<RecordedAgreement, 'parties'>): void {
  if (viewer.role === 'admin') throw new OperatorSeesNoAgreements();
  if (!canSeeAgreementOf(viewer, state.parties)) throw new RegionNotAParty(viewer.region);
}

/**
 * May this user hand in the file of a document a step of the agreement named? Whoever records steps of it: a
 * coordinator or dinas officer of a party region. Throws the rule it breaks.
 */
export function authorizeDocumentUpload(uploader: Principal, state: Pick<RecordedAgreement, 'parties'>): void {
  if (uploader.role === 'auditor' || uploader.role === 'admin') throw new ReadOnlyRole(uploader.role);
  requireParty(uploader.region, state.parties);
}

/**
 * The one rule of reading a region (its portfolio, list, worklist, deadlines, reports, audit export): its own users
 * read it, an auditor with national scope reads every region, an admin reads no agreements. Throws the rule it breaks.
 * `field` names the input that asked for the region (a route's `:code`, a query's `region`).
 */
export function authorizeRegionRead(viewer: Principal, region: string, field = 'code'): void {
  if (viewer.role === 'admin') throw new OperatorSeesNoAgreements();
  if (readsEveryRegion(viewer)) return;
  if (viewer.region !== region) throw new RegionOutOfReach(viewer.region, region, field);
}

/**
 * The region a list read is scoped to, by the same rule: the one asked for; when none is, the user's own, or every
 * region (`undefined`) for a national auditor.
 */
export function regionReadScope(viewer: Principal, requested: string | undefined): string | undefined {
  authorizeRegionRead(viewer, requested ?? viewer.region, 'region');
  return requested === undefined && readsEveryRegion(viewer) ? undefined : (requested ?? viewer.region);
}

/** Whether a user sees an agreement between these parties: for read models that list agreements. */
export function canSeeAgreementOf(viewer: Principal, parties: readonly string[]): boolean {
  if (viewer.role === 'admin') return false;
  return readsEveryRegion(viewer) || parties.includes(viewer.region);
}

const readsEveryRegion = (viewer: Principal): boolean => viewer.role === 'auditor' && viewer.national;

function requireParty(region: string, parties: readonly string[]): void {
  if (!parties.includes(region)) throw new RegionNotAParty(region);
}

function coordinatorOnly(actor: Actor, command: AgreementCommand): void {
  if (actor.role !== 'coordinator') throw new RoleNotAllowed(actor.role, stepName(command));
}

function forOwnRegion(actor: Actor, party: string, field: string): void {
  if (party !== actor.region) throw new ActsForAnotherRegion(actor.region, party, field);
}

/** A dinas officer works on a PKS only as the lead OPD of their own region. */
function requireLeadOpd(actor: Actor, state: RecordedAgreement, pksId: string): void {
  const pks = state.pks.find((p) => p.pksId === pksId);
  if (!pks) return;
  const lead = pks.leadOpds.find((l) => l.party === actor.region);
  if (lead?.opd !== actor.opd) throw new NotYourOpd(`the work on PKS ${pksId} for ${actor.region}`, lead?.opd ?? 'no OPD named');
}

/** `ReportFollowUpProgress` → `report follow up progress`. */
function stepName(command: AgreementCommand): string {
  return command.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
