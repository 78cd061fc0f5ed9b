import {
  acknowledge,
  activeKsb,
  activePks,
  assignFollowUp,
  at,
  banten,
  bengkulu,
  cancelFollowUp,
  cancelledWithKsb,
  cancelledWithPks,
  complete,
  draftingPks,
  dueDateExtended,
  extendDueDate,
  followUpAcknowledged,
  followUpAssigned,
  followUpCancelled,
  followUpCompleted,
  healthOfficeOf,
  jabar,
  pksExpired,
  pksTerminated,
  progressReported,
  reportProgress,
  sha256,
  story,
  terminated,
} from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';
import type { AgreementEvent } from './agreement.events';

const { given } = specFor(agreementDecider);

const assigned: AgreementEvent[] = [...activeKsb, followUpAssigned()];
const acknowledged: AgreementEvent[] = [...assigned, followUpAcknowledged()];
const inProgress: AgreementEvent[] = [...acknowledged, progressReported(40)];

describe('an active KSB assigning follow-ups', () => {
  it('assigns an action to one OPD of one party, with a due date', () =>
    given(...activeKsb).when(assignFollowUp()).then(followUpAssigned()));

  it('assigns a follow-up under one of its PKS', () =>
    given(...activePks).when(assignFollowUp({ pksId: 'pks-1' })).then(followUpAssigned({ pksId: 'pks-1' })));

  it('may assign a follow-up under a PKS still being drafted', () =>
    given(...draftingPks).when(assignFollowUp({ pksId: 'pks-1' })).then(followUpAssigned({ pksId: 'pks-1' })));

  it('numbers follow-ups in order', () =>
    given(...assigned)
      .when(assignFollowUp({ party: banten, opd: healthOfficeOf(banten) }))
      .then(followUpAssigned({ followUpId: 'tl-2', party: banten, opd: healthOfficeOf(banten) })));

  it('accepts a follow-up due today', () =>
    given(...activeKsb).when(assignFollowUp({ dueDate: story.today })).then(followUpAssigned({ dueDate: story.today })));

  it('refuses a due date in the past', () =>
    given(...activeKsb).when(assignFollowUp({ dueDate: '2026-01-09' })).thenThrows(Err.DueDateInPast));

  it('assigns follow-ups to its parties only', () =>
    given(...activeKsb).when(assignFollowUp({ party: jabar, opd: 'Bappeda Jawa Barat' })).thenThrows(Err.NotAParty));

  it('refuses a follow-up under a PKS it does not have', () =>
    given(...activePks).when(assignFollowUp({ pksId: 'pks-9' })).thenThrows(Err.PksNotFound));

  it('refuses a follow-up under a PKS that has ended', () =>
    given(...activePks, pksTerminated()).when(assignFollowUp({ pksId: 'pks-1' })).thenThrows(Err.PksEnded));

  it('assigns nothing once the KSB has ended', () =>
    given(...activeKsb, terminated()).when(assignFollowUp()).thenThrows(Err.AgreementNotActive));
});

describe('an assigned follow-up', () => {
  it('is acknowledged by its OPD', () => given(...assigned).when(acknowledge()).then(followUpAcknowledged()));

  it('takes no progress before its OPD has acknowledged it', () =>
    given(...assigned).when(reportProgress(20)).thenThrows(Err.FollowUpNotAcknowledged));

  it('cannot be completed before its OPD has acknowledged it', () =>
    given(...assigned).when(complete()).thenThrows(Err.FollowUpNotAcknowledged));

  it('has its due date extended, with a reason', () =>
    given(...assigned).when(extendDueDate('2026-04-30')).then(dueDateExtended('2026-04-30')));

  it('refuses a new due date that is not later than the current one', () =>
    given(...assigned).when(extendDueDate(story.due)).thenThrows(Err.DateNotLater));

  it('refuses an earlier due date', () =>
    given(...assigned).when(extendDueDate('2026-02-28')).thenThrows(Err.DateNotLater));

  it('can be cancelled on request, with a reason', () =>
    given(...assigned).when(cancelFollowUp()).then(followUpCancelled('tl-1', 'requested')));

  it('must exist', () => given(...assigned).when(acknowledge('tl-9')).thenThrows(Err.FollowUpNotFound));
});

describe('an acknowledged follow-up', () => {
  it('cannot be acknowledged twice', () =>
    given(...acknowledged).when(acknowledge()).thenThrows(Err.FollowUpAlreadyAcknowledged));

  it('takes progress reports with a percentage, a note and evidence hashes', () =>
    given(...acknowledged).when(reportProgress(40)).then(progressReported(40)));

  it('keeps the evidence of every report', () =>
    given(...inProgress, progressReported(70)).thenState({
      followUps: [{ status: 'in-progress', percent: 70, evidence: [sha256('tl-1 40%'), sha256('tl-1 70%')] }],
    }));

  it('refuses progress lower than already reported', () =>
    given(...inProgress).when(reportProgress(30)).thenThrows(Err.ProgressCannotDecrease));

  it('takes a report at the same percentage, with new evidence', () =>
    given(...inProgress).when(reportProgress(40)).then(progressReported(40)));

  it('cannot be completed without evidence', () =>
    given(...inProgress).when(complete('tl-1', [])).thenThrows(Err.EvidenceRequired));

  it('is completed with evidence', () => given(...inProgress).when(complete()).then(followUpCompleted()));

  it('is at 100% once completed, with all its evidence', () =>
    given(...inProgress).when(complete()).thenState({
      followUps: [
        { status: 'completed', percent: 100, completedOn: story.today, evidence: [sha256('tl-1 40%'), sha256('tl-1 done')] },
      ],
    }));

  it('is still completed after its due date: overdue is derived from time, not a state', () =>
    given(...inProgress)
      .when(at('2026-04-15', complete()))
      .thenState({ followUps: [{ status: 'completed', dueDate: story.due, completedOn: '2026-04-15' }] }));

  it('may have its due date extended while in progress', () =>
    given(...inProgress).when(extendDueDate('2026-04-30')).then(dueDateExtended('2026-04-30')));

  it('may be cancelled while in progress', () =>
    given(...inProgress).when(cancelFollowUp()).then(followUpCancelled('tl-1', 'requested')));
});

describe('a closed follow-up', () => {
  const closed: [string, AgreementEvent[]][] = [
    ['completed', [...inProgress, followUpCompleted()]],
    ['cancelled on request', [...assigned, followUpCancelled()]],
    ['cancelled with its KSB', [...assigned, terminated(), cancelledWithKsb('tl-1')]],
    [
      'cancelled with its PKS',
      [...activePks, followUpAssigned({ pksId: 'pks-1' }), pksExpired(), cancelledWithPks('tl-1')],
    ],
  ];
  const commands = [
    ['acknowledged', acknowledge()],
    ['given progress', reportProgress(100)],
    ['completed', complete()],
    ['given a later due date', extendDueDate('2026-04-30')],
    ['cancelled', cancelFollowUp()],
  ] as const;

  describe.each(closed)('when %s', (_, history) => {
    it.each(commands)('cannot be %s', (__, command) => given(...history).when(command).thenThrows(Err.FollowUpClosed));
  });

  it('is cancelled, not deleted, when its parent ends', () =>
    given(...assigned, terminated(), cancelledWithKsb('tl-1')).thenState({
      followUps: [{ followUpId: 'tl-1', party: bengkulu, status: 'cancelled' }],
    }));
});
