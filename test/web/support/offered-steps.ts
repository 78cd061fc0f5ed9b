import { decideAgreement } from '../../../src/agreements/domain/agreement.decide';
import type { AgreementEvent } from '../../../src/agreements/domain/agreement.events';
import { evolveAgreement, initialAgreementState, type RecordedAgreement } from '../../../src/agreements/domain/agreement.state';
import type { IsoDate } from '../../../src/agreements/domain/dates';
import { DEFAULT_POLICY } from '../../../src/agreements/domain/policy';
import type { Actor } from '../../../src/core/event';
import * as f from '../../support/agreement-fixtures';

/** A field of a step's form, as the browser's rules module describes it. */
export interface FieldSpec {
  name: string;
  type: string;
  label: string;
  required: boolean;
  value?: unknown;
  hint?: string;
  min?: number;
  options?: { value: unknown; label?: string; text?: string; region?: string; field?: string }[];
  multiple?: boolean;
}

/** A step the browser offers: its form posts `fixed` and the fields' values to `path`. */
export interface OfferedAction {
  id: string;
  path: string;
  fixed?: Record<string, unknown>;
  params?: Record<string, unknown>;
  fields: FieldSpec[];
}

type Me = Actor & { national?: boolean };
type Pks = RecordedAgreement['pks'][number];
type FollowUp = RecordedAgreement['followUps'][number];
type Visit = RecordedAgreement['visits'][number];

/** The browser's rules module (plain JavaScript, served as is; jest compiles it like the rest). */
export interface RulesModule {
  TERMINATION_GROUNDS: string[];
  MONEV_RECOMMENDATIONS: string[];
  proposeAction(me: Me): OfferedAction | undefined;
  agreementActions(state: RecordedAgreement, me: Me): OfferedAction[];
  pksActions(state: RecordedAgreement, pks: Pks, me: Me): OfferedAction[];
  followUpActions(agreementId: string, followUp: FollowUp, me: Me): OfferedAction[];
  visitActions(agreementId: string, visit: Visit, me: Me): OfferedAction[];
}
export const rules = require('../../../src/web/public/js/rules.js') as RulesModule;

const { banten, bengkulu } = f;
export const bantenCoordinator: Actor = { userId: 'k36', role: 'coordinator', region: banten };
export const bengkuluCoordinator: Actor = { userId: 'k17', role: 'coordinator', region: bengkulu };
/** The lead OPD of Bengkulu on every PKS below, and the OPD of its follow-ups. */
export const bengkuluDinkes: Actor = { userId: 'd17', role: 'dinas-officer', region: bengkulu, opd: f.healthOfficeOf(bengkulu) };
/** An OPD of Bengkulu that leads nothing yet. */
export const bengkuluDishub: Actor = { userId: 'p17', role: 'dinas-officer', region: bengkulu, opd: 'Dinas Perhubungan Provinsi Bengkulu' };

const stateAfter = (events: AgreementEvent[]): RecordedAgreement => {
  const state = events.reduce(evolveAgreement, initialAgreementState);
  if (state.stage === 'none') throw new Error('these events record no agreement');
  return state;
};

const proposedEvents = [f.proposed()];
const negotiatingEvents = [...proposedEvents, f.accepted(bengkulu), f.negotiationOpened(), f.draftRevised()];
const awaitingEvents = [...negotiatingEvents, f.draftApproved(banten), f.draftApproved(bengkulu), f.draftFinalized()];
const activeEvents = [
  ...awaitingEvents,
  f.signedBy(banten),
  f.signedBy(bengkulu),
  f.activated(),
  // pks-1: Banten's DPRD is deciding; pks-2: no DPRD gate, ready to sign; pks-3: Bengkulu's DPRD not asked yet; pks-4: active.
  f.pksDrafted({ dprdRequiredFor: [banten] }),
  f.pksRevised(1, 'pks-1'),
  f.dprdRequested(banten, 1, 'pks-1'),
  f.pksDrafted({ pksId: 'pks-2' }),
  f.pksRevised(1, 'pks-2'),
  f.pksDrafted({ pksId: 'pks-3', dprdRequiredFor: [bengkulu] }),
  f.pksRevised(1, 'pks-3'),
  f.pksDrafted({ pksId: 'pks-4' }),
  f.pksRevised(1, 'pks-4'),
  f.pksSignedBy(banten, { pksId: 'pks-4' }),
  f.pksSignedBy(bengkulu, { pksId: 'pks-4' }),
  f.pksActivated({ pksId: 'pks-4' }),
  f.followUpAssigned(),
  f.followUpAssigned({ followUpId: 'tl-2' }),
  f.followUpAcknowledged('tl-2'),
  f.visitRequested(),
  f.visitRequested({ visitId: 'visit-2' }),
  f.visitScheduled({ visitId: 'visit-2' }),
  f.semesterReported(banten, 2025, 2),
];

// The engine records the expiry on the end date: its PKS end with it, its open follow-ups and visits are cancelled.
const expiryEvents = decideAgreement({ type: 'ExpireAgreement', data: {}, context: { today: f.story.ksbEnd, policy: DEFAULT_POLICY } }, stateAfter(activeEvents));

/**
 * The same KSB signed before Sinergi and brought in from a register, with its health PKS and an open follow-up: from
 * then on it offers the steps of any active KSB.
 */
const importedEvents = [
  f.agreementImported({
    proposer: banten,
    counterparts: [bengkulu],
    fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'],
    signatures: [banten, bengkulu].map((party) => ({ ...f.signedBy(party, '2025-10-24').data })),
    validFrom: '2025-10-24',
    validUntil: '2030-10-24',
  }),
  f.pksImported({
    field: 'kesehatan',
    leadOpds: f.leadOpds(),
    signatures: [banten, bengkulu].map((party) => ({ ...f.pksSignedBy(party, { date: '2025-12-01' }).data })),
    validFrom: '2025-12-01',
    validUntil: '2028-12-01',
  }),
  f.followUpAssigned({ pksId: 'pks-1' }),
];

/** The Banten–Bengkulu KSB at each stage where someone has a step to take, with the day it is judged on. */
export const STORY: { name: string; state: RecordedAgreement; today: IsoDate }[] = [
  { name: 'offered', state: stateAfter(proposedEvents), today: f.story.answered },
  { name: 'negotiating', state: stateAfter(negotiatingEvents), today: f.story.drafting },
  { name: 'awaiting signatures', state: stateAfter(awaitingEvents), today: f.story.signed },
  { name: 'active', state: stateAfter(activeEvents), today: f.story.today },
  { name: 'expired', state: stateAfter([...activeEvents, ...expiryEvents]), today: f.story.ksbEnd },
  { name: 'imported', state: stateAfter(importedEvents), today: f.story.today },
];
export const stateNamed = (name: string): RecordedAgreement => {
  const found = STORY.find((s) => s.name === name);
  if (!found) throw new Error(`no story state ${name}`);
  return found.state;
};

/** What a step of the agreement page is about: the ids its command carries besides its form. */
export interface OfferedStep {
  action: OfferedAction;
  ids: { pksId?: string; followUpId?: string; visitId?: string };
}

/** Every step the agreement page offers this user on this state: on the KSB, each PKS, follow-up and visit. */
export const everyOffered = (state: RecordedAgreement, me: Actor): OfferedStep[] => [
  ...rules.agreementActions(state, me).map((action) => ({ action, ids: {} })),
  ...state.pks.flatMap((p) => rules.pksActions(state, p, me).map((action) => ({ action, ids: { pksId: p.pksId } }))),
  ...state.followUps.flatMap((fu) => rules.followUpActions(state.agreementId, fu, me).map((action) => ({ action, ids: { followUpId: fu.followUpId } }))),
  ...state.visits.flatMap((v) => rules.visitActions(state.agreementId, v, me).map((action) => ({ action, ids: { visitId: v.visitId } }))),
];

/** `{'a.b': 1, 'c.0.d': 2}` → `{a: {b: 1}, c: [{d: 2}]}`, as the browser's form nests its fields. */
export function nested(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(flat)) {
    const keys = path.split('.');
    let node = root as Record<string, unknown>;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) node[key] = value;
      else node = (node[key] ??= /^\d+$/.test(keys[i + 1]) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

/** What a person would put in a field: its default, its first option, or something plausible of its type. */
function plausibleValue(spec: FieldSpec, today: IsoDate): unknown {
  if (spec.value !== undefined && spec.value !== '') return spec.value;
  switch (spec.type) {
    case 'select':
      return spec.options?.[0]?.value;
    case 'checkbox':
      return true;
    case 'checkboxes':
      return [];
    case 'number':
      return spec.min ?? 1;
    case 'date':
      return today;
    case 'list':
    case 'lines':
      return ['isian'];
    case 'picker':
      return spec.multiple ? ['isian'] : 'isian';
    case 'file':
      return f.sha256(spec.name);
    case 'files':
      return [f.sha256(spec.name)];
    default:
      return 'isian';
  }
}

/** The command data a step's form sends, filled as a person would, with the ids of what the step is about. */
export function filledData(step: OfferedStep, today: IsoDate): Record<string, unknown> {
  const values = Object.fromEntries(step.action.fields.map((spec) => [spec.name, plausibleValue(spec, today)]));
  return { ...nested({ ...step.action.fixed, ...values }), ...step.action.params, ...step.ids };
}
