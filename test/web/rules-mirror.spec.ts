import { authorizeCommand } from '../../src/agreements/application/agreement-access';
import type { AgreementCommand } from '../../src/agreements/domain/agreement.commands';
import { decideAgreement } from '../../src/agreements/domain/agreement.decide';
import { TERMINATION_GROUNDS } from '../../src/agreements/domain/agreement.events';
import type { AgreementState, RecordedAgreement } from '../../src/agreements/domain/agreement.state';
import type { IsoDate } from '../../src/agreements/domain/dates';
import { DEFAULT_POLICY } from '../../src/agreements/domain/policy';
import { MONEV_RECOMMENDATIONS } from '../../src/agreements/http/dto/validators';
import { LifecycleError, NotFound } from '../../src/core/domain-error';
import type { Actor } from '../../src/core/event';
import * as fixtures from '../support/agreement-fixtures';
import {
  type OfferedAction,
  type OfferedStep,
  STORY,
  bantenCoordinator,
  bengkuluCoordinator,
  bengkuluDinkes,
  bengkuluDishub,
  everyOffered,
  filledData,
  rules,
  stateNamed,
} from './support/offered-steps';

/** The command behind each step the browser offers. */
const COMMAND_OF: Record<string, AgreementCommand['type']> = {
  accept: 'AcceptOffer', decline: 'DeclineOffer', withdraw: 'WithdrawAgreement', reviseDraft: 'ReviseDraft', approveDraft: 'ApproveDraft',
  scheduleSigning: 'ScheduleSigning', sign: 'SignAgreement', draftPks: 'DraftPks', assignFollowUp: 'AssignFollowUp',
  requestVisit: 'RequestReciprocalVisit', extend: 'ExtendAgreement', terminate: 'TerminateAgreement', revisePks: 'RevisePks',
  requestDprd: 'RequestPksDprdApproval', decideDprd: 'DecidePksDprdApproval', signPks: 'SignPks', extendPks: 'ExtendPks',
  terminatePks: 'TerminatePks', acknowledge: 'AcknowledgeFollowUp', reportProgress: 'ReportFollowUpProgress', complete: 'CompleteFollowUp',
  extendDueDate: 'ExtendFollowUpDueDate', cancelFollowUp: 'CancelFollowUp', scheduleVisit: 'ScheduleReciprocalVisit',
  recordVisit: 'RecordReciprocalVisit', cancelVisit: 'CancelReciprocalVisit', amend: 'AmendAgreement', amendPks: 'AmendPks',
  submitSemesterReport: 'SubmitSemesterReport', recordMonev: 'RecordMonev',
};

const { banten, jabar } = fixtures;
const auditor: Actor = { userId: 'a36', role: 'auditor', region: banten };
const jabarCoordinator: Actor = { userId: 'k32', role: 'coordinator', region: jabar };
const USERS: [string, Actor][] = [
  ['Banten coordinator', bantenCoordinator],
  ['Bengkulu coordinator', bengkuluCoordinator],
  ['Bengkulu Dinas Kesehatan', bengkuluDinkes],
  ['Bengkulu Dinas Perhubungan', bengkuluDishub],
];

/** The command a step's form sends, filled in as a person would. */
const commandOf = (step: OfferedStep, today: IsoDate): AgreementCommand =>
  ({ type: COMMAND_OF[step.action.id], data: filledData(step, today), context: { today, policy: DEFAULT_POLICY } }) as unknown as AgreementCommand;

/** Whether the command path takes the step now: the access rules allow it, and the lifecycle does (bad input aside). */
function takenNow(command: AgreementCommand, state: AgreementState, me: Actor): boolean {
  try {
    authorizeCommand(me, command, state);
  } catch {
    return false;
  }
  try {
    decideAgreement(command, state);
  } catch (error) {
    if (error instanceof LifecycleError || error instanceof NotFound) return false;
  }
  return true;
}

const ids = (actions: OfferedAction[]) => actions.map((a) => a.id);
const active = stateNamed('active');
const pksNamed = (state: RecordedAgreement, pksId: string) => state.pks.find((p) => p.pksId === pksId) as RecordedAgreement['pks'][number];

describe("the browser's rules of which steps to offer", () => {
  it('know the same termination grounds and monev recommendations as the domain', () => {
    expect(rules.TERMINATION_GROUNDS).toEqual([...TERMINATION_GROUNDS]);
    expect(rules.MONEV_RECOMMENDATIONS).toEqual([...MONEV_RECOMMENDATIONS]);
  });

  it('offer the counterpart the answer to an offer, and the proposer only its withdrawal', () => {
    const offered = stateNamed('offered');
    expect(ids(rules.agreementActions(offered, bengkuluCoordinator))).toEqual(['accept', 'decline']);
    expect(ids(rules.agreementActions(offered, bantenCoordinator))).toEqual(['withdraw']);
  });

  it('offer an auditor and a user of another region nothing', () => {
    for (const { state } of STORY) {
      expect(everyOffered(state, auditor)).toEqual([]);
      expect(everyOffered(state, jabarCoordinator)).toEqual([]);
    }
  });

  it('offer the OPD the work on its own follow-up, and its coordinator only the managing of it', () => {
    const [assigned, acknowledged] = active.followUps;
    expect(assigned.opd).toBe(bengkuluDinkes.opd);
    expect(ids(rules.followUpActions(active.agreementId, assigned, bengkuluDinkes))).toEqual(['acknowledge']);
    expect(ids(rules.followUpActions(active.agreementId, acknowledged, bengkuluDinkes))).toEqual(['reportProgress', 'complete']);
    expect(ids(rules.followUpActions(active.agreementId, assigned, bengkuluCoordinator))).toEqual(['extendDueDate', 'cancelFollowUp']);
  });

  it('offer a coordinator of an active KSB its semester report, monev and addendum, and an addendum of an active PKS', () => {
    expect(ids(rules.agreementActions(active, bantenCoordinator))).toEqual([
      'draftPks', 'assignFollowUp', 'requestVisit', 'submitSemesterReport', 'recordMonev', 'amend', 'extend', 'terminate',
    ]);
    expect(ids(rules.pksActions(active, pksNamed(active, 'pks-4'), bengkuluCoordinator))).toEqual(['extendPks', 'amendPks', 'terminatePks']);
    expect(ids(rules.pksActions(active, pksNamed(active, 'pks-4'), bengkuluDinkes))).toEqual([]);
  });

  it('offer, once the KSB has ended, only the semester reports still owed', () => {
    const expired = stateNamed('expired');
    expect(ids(rules.agreementActions(expired, bantenCoordinator))).toEqual(['submitSemesterReport']);
    expect(everyOffered(expired, bengkuluCoordinator).map((s) => s.action.id)).toEqual(['submitSemesterReport']);
    expect(everyOffered(expired, bengkuluDinkes)).toEqual([]);
  });

  it('propose the semester each party owes first, and an addendum signed again by every party', () => {
    // Signed in October 2025: Banten has reported on 2025-S2, Bengkulu on nothing yet.
    const report = (me: Actor) => rules.agreementActions(active, me).find((a) => a.id === 'submitSemesterReport') as OfferedAction;
    const defaults = (action: OfferedAction) => Object.fromEntries(action.fields.map((spec) => [spec.name, spec.value]));
    expect(defaults(report(bantenCoordinator))).toMatchObject({ year: 2026, semester: 1 });
    expect(defaults(report(bengkuluCoordinator))).toMatchObject({ year: 2025, semester: 2 });
    expect(report(bengkuluCoordinator).fixed).toEqual({ party: fixtures.bengkulu });

    const amend = rules.agreementActions(active, bengkuluCoordinator).find((a) => a.id === 'amend') as OfferedAction;
    expect(amend.fixed).toEqual({ 'signatures.0.party': banten, 'signatures.1.party': fixtures.bengkulu });
    expect(defaults(amend)).toMatchObject({ 'signatures.0.signatory.name': 'Andra Soni', 'signatures.1.signatory.name': 'Helmi Hasan' });
  });

  it('offer a dinas officer of a party the drafting of a PKS, led on their side by their own OPD', () => {
    for (const officer of [bengkuluDinkes, bengkuluDishub]) {
      const [draft] = rules.agreementActions(active, officer);
      expect(draft.id).toBe('draftPks');
      expect(draft.fixed).toEqual({ 'leadOpds.0.party': banten, 'leadOpds.1.party': fixtures.bengkulu, 'leadOpds.1.opd': officer.opd });
      expect(draft.fields.map((spec) => spec.name)).toEqual(['field', 'title', 'leadOpds.0.opd', 'termMonths', 'dprdRequiredFor']);
    }
    for (const name of ['offered', 'negotiating', 'awaiting signatures', 'expired']) expect(rules.agreementActions(stateNamed(name), bengkuluDishub)).toEqual([]);
  });

  describe.each(USERS)('offer the %s', (_who, me) => {
    it.each(STORY.map((s) => [s.name, s] as const))('on the %s KSB, only steps the access rules allow and the lifecycle takes now', (_name, { state, today }) => {
      for (const step of everyOffered(state, me)) {
        expect(COMMAND_OF[step.action.id]).toBeDefined();
        const command = commandOf(step, today);
        expect(() => authorizeCommand(me, command, state)).not.toThrow();
        expect([step.action.id, step.ids, takenNow(command, state, me)]).toEqual([step.action.id, step.ids, true]);
      }
    });
  });

  // The other way round for the steps of reporting, monev, addenda and PKS drafting: whenever the command path would
  // take one (filled as it is on the active KSB), the page offers it.
  it.each(['submitSemesterReport', 'recordMonev', 'amend', 'draftPks', 'amendPks'])('offer %s wherever the command path takes it', (id) => {
    for (const [, me] of [...USERS, ['auditor', auditor] as const, ['Jawa Barat coordinator', jabarCoordinator] as const]) {
      const template = [me, bantenCoordinator].map((user) => everyOffered(active, user).find((s) => s.action.id === id)).find(Boolean) as OfferedStep;
      for (const { name, state, today } of STORY) {
        const scopes = id === 'amendPks' ? state.pks.map((p) => ({ pksId: p.pksId })) : [{}];
        for (const scope of scopes) {
          const offered = everyOffered(state, me).some((s) => s.action.id === id && s.ids.pksId === (scope as { pksId?: string }).pksId);
          const taken = takenNow(commandOf({ ...template, ids: scope }, today), state, me);
          expect([me.userId, name, scope, offered]).toEqual([me.userId, name, scope, taken]);
        }
      }
    }
  });
});
