// Which steps the signed-in user may take now, and the form each needs. This mirrors, in one place, the domain's
// rules (agreement.decide.ts: what is valid in which stage) and the access rules (agreement-access.ts: which role
// of which region may do it). The API stays the judge: a step shown here that it refuses shows its answer.

const OPEN_FOLLOW_UP = ['assigned', 'acknowledged', 'in-progress'];
const BEFORE_LAST_SIGNATURE = ['proposed', 'negotiating', 'awaiting-signatures'];
export const MONEV_RECOMMENDATIONS = ['continue', 'revise', 'terminate'];
export const TERMINATION_GROUNDS = [
  'agreed-by-parties',
  'objective-achieved',
  'force-majeure',
  'breach-by-party',
  'replaced-by-new-agreement',
  'new-legal-norm',
  'object-lost',
  'harm-to-national-interest',
];

const field = (name, type, extra = {}) => ({ name, type, label: `f.${name}`, required: true, ...extra });
const optional = (name, type, extra = {}) => field(name, type, { ...extra, required: false });
const reason = () => field('reason', 'textarea');
const terminate = (path) => ({
  id: 'terminate',
  path,
  danger: true,
  fields: [field('ground', 'select', { options: TERMINATION_GROUNDS.map((g) => ({ value: g, label: `ground.${g}` })) }), field('note', 'textarea')],
});

/** The proposal form of a coordinator (for their own region). */
export function proposeAction(me) {
  if (me?.role !== 'coordinator') return undefined;
  return {
    id: 'propose',
    path: '/agreements',
    fixed: { proposer: me.region },
    fields: [
      field('title', 'text'),
      field('counterparts', 'picker', { picker: 'region', multiple: true, hint: 'hint.regions' }),
      field('fields', 'picker', { picker: 'field', multiple: true, free: true, hint: 'hint.fields' }),
      field('scope', 'textarea'),
      field('kind', 'select', { options: [{ value: 'voluntary', label: 'kind.voluntary' }, { value: 'mandatory', label: 'kind.mandatory' }] }),
      field('offerLetter.number', 'text'),
      field('offerLetter.date', 'date', { today: true }),
      optional('offerLetter.documentSha256', 'file'),
      field('termMonths', 'number', { value: 60, min: 1 }),
    ],
  };
}

/** Fixed values of a form, one per party: `{ 'leadOpds.0.party': '36', 'leadOpds.1.party': '17' }`. */
const perParty = (state, path) => Object.fromEntries(state.parties.map((party, i) => [`${path}.${i}.party`, party]));

/** A PKS for one field of the KSB. A dinas officer drafts it as the lead OPD of their own region (the API refuses any other). */
function draftPks(state, me) {
  const officer = me.role === 'dinas-officer';
  const fixed = perParty(state, 'leadOpds');
  if (officer) fixed[`leadOpds.${state.parties.indexOf(me.region)}.opd`] = me.opd;
  return {
    id: 'draftPks',
    path: `/agreements/${state.agreementId}/pks`,
    fixed,
    fields: [
      field('field', 'select', { options: state.fields.map((f) => ({ value: f, field: f })) }),
      field('title', 'text'),
      ...state.parties
        .map((party, i) => (officer && party === me.region ? null : field(`leadOpds.${i}.opd`, 'text', { label: 'f.leadOpd', labelParams: { party } })))
        .filter(Boolean),
      field('termMonths', 'number', { value: 12, min: 1 }),
      optional('dprdRequiredFor', 'checkboxes', { options: state.parties.map((p) => ({ value: p, region: p })) }),
    ],
  };
}

/** The oldest semester since the KSB took effect that the party has not reported on: the report it owes first. */
function owedSemester(state, party) {
  const reported = new Set(state.semesterReports.filter((r) => r.party === party).map((r) => `${r.year}-${r.semester}`));
  let year = Number(state.validFrom.slice(0, 4));
  let semester = Number(state.validFrom.slice(5, 7)) <= 6 ? 1 : 2;
  while (reported.has(`${year}-${semester}`)) [year, semester] = semester === 1 ? [year, 2] : [year + 1, 1];
  return { year, semester };
}

/** A party's semester report: owed while the KSB is active, and still after it ended for its last semesters. */
function semesterReport(state, region) {
  const owed = owedSemester(state, region);
  return {
    id: 'submitSemesterReport',
    path: `/agreements/${state.agreementId}/semester-reports`,
    fixed: { party: region },
    fields: [
      field('year', 'number', { value: owed.year, min: 2000, max: 2100 }),
      field('semester', 'select', { value: owed.semester, options: [1, 2].map((n) => ({ value: n, label: `semester.${n}` })) }),
      field('summary', 'textarea'),
      optional('documentSha256', 'file'),
    ],
  };
}

/** Steps on the KSB itself. */
export function agreementActions(state, me) {
  if (!me || !state.parties.includes(me.region)) return [];
  if (me.role === 'dinas-officer') return state.stage === 'active' ? [draftPks(state, me)] : [];
  if (me.role !== 'coordinator') return [];
  const region = me.region;
  const base = `/agreements/${state.agreementId}`;
  const others = state.parties.filter((p) => p !== region);
  const actions = [];
  switch (state.stage) {
    case 'proposed':
      if (state.counterparts.includes(region) && !state.accepted.includes(region)) {
        actions.push({ id: 'accept', path: `${base}/acceptances`, fixed: { party: region }, fields: [] });
        actions.push({ id: 'decline', path: `${base}/declines`, fixed: { party: region }, fields: [reason()], danger: true });
      }
      break;
    case 'negotiating':
    case 'awaiting-signatures':
      if (Object.keys(state.signatures).length === 0) {
        actions.push({ id: 'reviseDraft', path: `${base}/drafts`, fields: [field('documentSha256', 'file'), field('summary', 'textarea')] });
      }
      if (state.draft && !state.approvals.includes(region)) {
        actions.push({ id: 'approveDraft', path: `${base}/drafts/${state.draft.version}/approvals`, fixed: { party: region }, fields: [], params: { version: state.draft.version } });
      }
      actions.push({
        id: 'scheduleSigning',
        path: `${base}/signing-schedule`,
        fields: [
          field('date', 'date', { value: state.signingSchedule?.date }),
          field('place', 'text', { value: state.signingSchedule?.place }),
          field('mode', 'select', { options: ['ceremonial', 'desk-to-desk', 'hybrid'].map((m) => ({ value: m, label: `mode.${m}` })) }),
        ],
      });
      if (state.stage === 'awaiting-signatures' && !state.signatures[region]) {
        actions.push({
          id: 'sign',
          path: `${base}/signatures`,
          fixed: { party: region },
          fields: [
            field('signatory.name', 'text'),
            field('signatory.position', 'text'),
            field('documentNumber', 'text'),
            field('date', 'date', { value: state.signingSchedule?.date, today: true }),
            field('place', 'text', { value: state.signingSchedule?.place }),
            optional('documentSha256', 'file'),
          ],
        });
      }
      break;
    case 'active':
      actions.push(draftPks(state, me));
      actions.push({
        id: 'assignFollowUp',
        path: `${base}/follow-ups`,
        fixed: { party: region },
        fields: [
          optional('pksId', 'select', {
            options: [{ value: '', label: 'f.ksbItself' }, ...state.pks.filter((p) => p.stage === 'drafting' || p.stage === 'active').map((p) => ({ value: p.pksId, text: `${p.pksId} – ${p.title}` }))],
          }),
          field('opd', 'text'),
          field('action', 'textarea'),
          field('dueDate', 'date'),
        ],
      });
      if (others.length > 0) {
        actions.push({
          id: 'requestVisit',
          path: `${base}/visits`,
          fixed: { host: region },
          fields: [field('visitor', 'select', { options: others.map((p) => ({ value: p, region: p })) }), field('purpose', 'textarea')],
        });
      }
      actions.push(semesterReport(state, region));
      actions.push({
        id: 'recordMonev',
        path: `${base}/monev`,
        fixed: { party: region },
        fields: [
          field('date', 'date', { today: true }),
          field('rating', 'select', { value: 4, options: [5, 4, 3, 2, 1].map((n) => ({ value: n, label: `rating.${n}` })) }),
          field('recommendation', 'select', { options: MONEV_RECOMMENDATIONS.map((r) => ({ value: r, label: `rec.${r}` })) }),
          field('note', 'textarea'),
          optional('documentSha256', 'file'),
        ],
      });
      // An addendum is signed again by every party; the coordinator records all the signatures at once.
      actions.push({
        id: 'amend',
        path: `${base}/amendments`,
        fixed: perParty(state, 'signatures'),
        fields: [
          field('documentSha256', 'file'),
          field('summary', 'textarea'),
          // An addendum may add urusan (PKS may then be drafted in them) or word the scope anew.
          optional('addedFields', 'picker', { picker: 'field', multiple: true, free: true, hint: 'hint.fields' }),
          optional('scope', 'textarea', { value: state.scope }),
          ...state.parties.flatMap((party, i) => {
            const signatory = state.signatures[party]?.signatory;
            const labelParams = { party };
            return [
              field(`signatures.${i}.signatory.name`, 'text', { label: 'f.partySignatory.name', labelParams, value: signatory?.name }),
              field(`signatures.${i}.signatory.position`, 'text', { label: 'f.partySignatory.position', labelParams, value: signatory?.position }),
              field(`signatures.${i}.documentNumber`, 'text', { label: 'f.partyDocumentNumber', labelParams }),
              field(`signatures.${i}.date`, 'date', { label: 'f.partyDate', labelParams, today: true }),
            ];
          }),
        ],
      });
      actions.push({ id: 'extend', path: `${base}/extension`, fields: [field('validUntil', 'date', { value: state.validUntil })] });
      actions.push(terminate(`${base}/termination`));
      break;
    case 'expired':
    case 'terminated':
      actions.push(semesterReport(state, region));
      break;
    default:
      break;
  }
  if (region === state.proposer && BEFORE_LAST_SIGNATURE.includes(state.stage)) {
    actions.push({ id: 'withdraw', path: `${base}/withdrawal`, fields: [reason()], danger: true });
  }
  return actions;
}

const isLeadOpd = (pks, me) => me.role === 'dinas-officer' && pks.leadOpds.some((l) => l.party === me.region && l.opd === me.opd);

/** Steps on one PKS. */
export function pksActions(state, pks, me) {
  if (!me || !state.parties.includes(me.region) || state.stage !== 'active') return [];
  const coordinator = me.role === 'coordinator';
  const lead = isLeadOpd(pks, me);
  if (!coordinator && !lead) return [];
  const base = `/agreements/${state.agreementId}/pks/${pks.pksId}`;
  const actions = [];
  const region = me.region;
  if (pks.stage === 'drafting') {
    const signed = Object.keys(pks.signatures).length > 0;
    if (!signed) actions.push({ id: 'revisePks', path: `${base}/revisions`, fields: [field('documentSha256', 'file'), field('summary', 'textarea')] });
    const dprd = pks.dprd[region];
    if (coordinator && pks.draft && dprd && (dprd.status === 'not-requested' || dprd.status === 'rejected')) {
      actions.push({ id: 'requestDprd', path: `${base}/dprd-requests`, fixed: { party: region }, fields: [] });
    }
    if (coordinator && dprd?.status === 'requested') {
      actions.push({
        id: 'decideDprd',
        path: `${base}/dprd-decisions`,
        fixed: { party: region },
        fields: [optional('approved', 'checkbox', { value: true }), field('decisionNumber', 'text'), optional('note', 'textarea', { value: '' })],
      });
    }
    const dprdClear = Object.values(pks.dprd).every((d) => d.status === 'approved');
    if (pks.draft && dprdClear && !pks.signatures[region]) {
      actions.push({
        id: 'signPks',
        path: `${base}/signatures`,
        fixed: { party: region, ...(lead ? { 'signatory.capacity': 'opd-head' } : {}) },
        fields: [
          field('signatory.name', 'text'),
          field('signatory.position', 'text'),
          ...(coordinator
            ? [field('signatory.capacity', 'select', { options: ['head-of-region', 'opd-head'].map((c) => ({ value: c, label: `capacity.${c}` })) })]
            : []),
          optional('signatory.skkNumber', 'text', { hint: 'hint.skk' }),
          field('documentNumber', 'text'),
          field('date', 'date', { today: true }),
          optional('documentSha256', 'file'),
        ],
      });
    }
  }
  if (pks.stage === 'active' && coordinator) {
    actions.push({ id: 'extendPks', path: `${base}/extension`, fields: [field('validUntil', 'date', { value: pks.validUntil })] });
    actions.push({ id: 'amendPks', path: `${base}/amendments`, fields: [field('documentSha256', 'file'), field('summary', 'textarea')] });
    actions.push({ ...terminate(`${base}/termination`), id: 'terminatePks' });
  }
  return actions;
}

/** Steps on one follow-up: the OPD works it, the coordinator of its party manages it. */
export function followUpActions(agreementId, followUp, me) {
  if (!me || !OPEN_FOLLOW_UP.includes(followUp.status) || followUp.party !== me.region) return [];
  const base = `/agreements/${agreementId}/follow-ups/${followUp.followUpId}`;
  if (me.role === 'dinas-officer' && followUp.opd === me.opd) {
    if (followUp.status === 'assigned') return [{ id: 'acknowledge', path: `${base}/acknowledgement`, fields: [] }];
    return [
      {
        id: 'reportProgress',
        path: `${base}/progress`,
        fields: [field('percent', 'number', { value: followUp.percent, min: followUp.percent, max: 100 }), field('note', 'textarea'), optional('evidence', 'files')],
      },
      { id: 'complete', path: `${base}/completion`, fields: [field('note', 'textarea'), field('evidence', 'files')] },
    ];
  }
  if (me.role === 'coordinator') {
    return [
      { id: 'extendDueDate', path: `${base}/due-date`, fields: [field('dueDate', 'date', { value: followUp.dueDate }), reason()] },
      { id: 'cancelFollowUp', path: `${base}/cancellation`, fields: [reason()], danger: true },
    ];
  }
  return [];
}

/** Steps on one reciprocal visit: the coordinators of its host and its visitor. */
export function visitActions(agreementId, visit, me) {
  if (me?.role !== 'coordinator' || (me.region !== visit.host && me.region !== visit.visitor)) return [];
  if (visit.status !== 'requested' && visit.status !== 'scheduled') return [];
  const base = `/agreements/${agreementId}/visits/${visit.visitId}`;
  const actions = [{ id: 'scheduleVisit', path: `${base}/schedule`, fields: [field('date', 'date', { value: visit.date }), field('delegation', 'lines')] }];
  if (visit.status === 'scheduled') {
    actions.push({
      id: 'recordVisit',
      path: `${base}/report`,
      fields: [field('date', 'date', { value: visit.date }), field('summary', 'textarea'), optional('outcomes', 'lines'), optional('documentSha256', 'file')],
    });
  }
  actions.push({ id: 'cancelVisit', path: `${base}/cancellation`, fields: [reason()], danger: true });
  return actions;
}
