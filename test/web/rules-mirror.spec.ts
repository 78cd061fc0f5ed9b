import { authorizeCommand } from '../../src/access/agreement-access';
import type { AgreementCommand } from '../../src/agreements/domain/agreement.commands';
import { TERMINATION_GROUNDS } from '../../src/agreements/domain/agreement.events';
import type { AgreementEvent } from '../../src/agreements/domain/agreement.events';
import { type AgreementState, evolveAgreement, initialAgreementState } from '../../src/agreements/domain/agreement.state';
import type { Actor } from '../../src/core/event';
import * as fixtures from '../support/agreement-fixtures';

/** What the browser's rules module answers (it is plain JavaScript, served as is; jest compiles it like the rest). */
interface OfferedAction {
  id: string;
  path: string;
  fixed?: Record<string, unknown>;
}
interface Me extends Actor {
  national?: boolean;
}
interface RulesModule {
  TERMINATION_GROUNDS: string[];
  agreementActions(state: AgreementState, me: Me): OfferedAction[];
  pksActions(state: AgreementState, pks: AgreementState['pks'][number], me: Me): OfferedAction[];
  followUpActions(agreementId: string, followUp: AgreementState['followUps'][number], me: Me): OfferedAction[];
}
const rules = require('../../src/web/public/js/rules.js') as RulesModule;

const COMMAND_OF: Record<string, AgreementCommand['type']> = {
  accept: 'AcceptOffer', decline: 'DeclineOffer', withdraw: 'WithdrawAgreement', reviseDraft: 'ReviseDraft', approveDraft: 'ApproveDraft',
  scheduleSigning: 'ScheduleSigning', sign: 'SignAgreement', draftPks: 'DraftPks', assignFollowUp: 'AssignFollowUp',
  requestVisit: 'RequestReciprocalVisit', extend: 'ExtendAgreement', terminate: 'TerminateAgreement', revisePks: 'RevisePks',
  requestDprd: 'RequestPksDprdApproval', decideDprd: 'DecidePksDprdApproval', signPks: 'SignPks', extendPks: 'ExtendPks',
  terminatePks: 'TerminatePks', acknowledge: 'AcknowledgeFollowUp', reportProgress: 'ReportFollowUpProgress', complete: 'CompleteFollowUp',
  extendDueDate: 'ExtendFollowUpDueDate', cancelFollowUp: 'CancelFollowUp',
};

const { banten, bengkulu, jabar } = fixtures;
const bantenCoordinator: Actor = { userId: 'k36', role: 'coordinator', region: banten };
const bengkuluCoordinator: Actor = { userId: 'k17', role: 'coordinator', region: bengkulu };
const bengkuluDinkes: Actor = { userId: 'd17', role: 'dinas-officer', region: bengkulu, opd: fixtures.healthOfficeOf(bengkulu) };
const auditor: Actor = { userId: 'a36', role: 'auditor', region: banten };
const jabarCoordinator: Actor = { userId: 'k32', role: 'coordinator', region: jabar };

const stateAfter = (...events: AgreementEvent[]): AgreementState => events.reduce(evolveAgreement, initialAgreementState);
const offered = stateAfter(fixtures.proposed());
const active = stateAfter(
  fixtures.proposed(), fixtures.accepted(bengkulu), fixtures.negotiationOpened(), fixtures.draftRevised(), fixtures.draftApproved(banten),
  fixtures.draftApproved(bengkulu), fixtures.draftFinalized(), fixtures.signedBy(banten), fixtures.signedBy(bengkulu), fixtures.activated(),
  fixtures.pksDrafted(), fixtures.pksRevised(), fixtures.followUpAssigned(),
);

/** The command an offered step sends, as far as the access rules look at it. */
function commandOf(action: OfferedAction, ids: { pksId?: string; followUpId?: string }): AgreementCommand {
  const data: Record<string, unknown> = { ...ids, signatory: { capacity: 'head-of-region' } };
  for (const [path, value] of Object.entries(action.fixed ?? {})) {
    if (path.startsWith('signatory.')) data.signatory = { ...(data.signatory as object), [path.slice(10)]: value };
    else data[path] = value;
  }
  return { type: COMMAND_OF[action.id], data } as unknown as AgreementCommand;
}

const everyOffered = (state: AgreementState, me: Actor) => [
  ...rules.agreementActions(state, me).map((a) => ({ action: a, ids: {} })),
  ...state.pks.flatMap((p) => rules.pksActions(state, p, me).map((a) => ({ action: a, ids: { pksId: p.pksId } }))),
  ...state.followUps.flatMap((f) => rules.followUpActions(state.agreementId, f, me).map((a) => ({ action: a, ids: { followUpId: f.followUpId } }))),
];

describe("the browser's rules of which steps to offer", () => {
  it('know the same termination grounds as the domain', () => expect(rules.TERMINATION_GROUNDS).toEqual([...TERMINATION_GROUNDS]));

  it('offer the counterpart the answer to an offer, and the proposer only its withdrawal', () => {
    expect(rules.agreementActions(offered, bengkuluCoordinator).map((a) => a.id)).toEqual(['accept', 'decline']);
    expect(rules.agreementActions(offered, bantenCoordinator).map((a) => a.id)).toEqual(['withdraw']);
  });

  it('offer an auditor and a user of another region nothing', () => {
    for (const state of [offered, active]) {
      expect(everyOffered(state, auditor)).toEqual([]);
      expect(everyOffered(state, jabarCoordinator)).toEqual([]);
    }
  });

  it('offer the OPD the work on its own follow-up, and its coordinator only the managing of it', () => {
    const [followUp] = active.followUps;
    expect(followUp.opd).toBe(bengkuluDinkes.opd);
    expect(rules.followUpActions(active.agreementId, followUp, bengkuluDinkes).map((a) => a.id)).toEqual(['acknowledge']);
    expect(rules.followUpActions(active.agreementId, followUp, bengkuluCoordinator).map((a) => a.id)).toEqual(['extendDueDate', 'cancelFollowUp']);
  });

  it.each([
    ['Banten coordinator', bantenCoordinator],
    ['Bengkulu coordinator', bengkuluCoordinator],
    ['Bengkulu Dinas Kesehatan', bengkuluDinkes],
  ])('offer the %s only steps the access rules allow', (_who, me) => {
    for (const state of [offered, active]) {
      const steps = everyOffered(state, me);
      for (const { action, ids } of steps) {
        expect(COMMAND_OF[action.id]).toBeDefined();
        expect(() => authorizeCommand(me, commandOf(action, ids), state)).not.toThrow();
      }
    }
  });
});
