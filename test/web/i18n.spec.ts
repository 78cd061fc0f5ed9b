import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as accessErrors from '../../src/access/access.errors';
import * as agreementErrors from '../../src/agreements/domain/agreement.errors';
import * as documentsErrors from '../../src/documents/documents.errors';
import type { DocumentState } from '../../src/documents/document-check';
import { type AgreementEventType, TERMINATION_GROUNDS } from '../../src/agreements/domain/agreement.events';
import type { AgreementStage, DprdStatus, FollowUpStatus, PksStage, VisitStatus } from '../../src/agreements/domain/agreement.state';
import { AGREEMENT_KINDS, MONEV_RECOMMENDATIONS, SIGNATORY_CAPACITIES, SIGNING_MODES } from '../../src/agreements/http/dto/validators';
import { DomainError } from '../../src/core/domain-error';
import type { Role } from '../../src/core/event';
import type { CounterpartCategory } from '../../src/regions/domain/region-directory';
import type { DeadlineKind } from '../../src/agreements/domain/policy';
import { STORY, bantenCoordinator, bengkuluCoordinator, bengkuluDinkes, everyOffered, rules } from './support/offered-steps';

/** The browser app's dictionaries and the value lists its views keep (plain JavaScript modules; jest compiles them). */
const { dictionaries } = require('../../src/web/public/js/i18n.js') as { dictionaries: Record<'id' | 'en', Record<string, string>> };
const { SORTS } = require('../../src/web/public/js/views/agreements.js') as { SORTS: string[] };
const { LIFECYCLE } = require('../../src/web/public/js/ui.js') as { LIFECYCLE: string[] };

const JS_DIR = join(__dirname, '../../src/web/public/js');
const sources = (readdirSync(JS_DIR, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.js') && file !== 'i18n.js')
  .map((file) => ({ file, text: readFileSync(join(JS_DIR, file), 'utf8') }));
const rulesJs = readFileSync(join(JS_DIR, 'rules.js'), 'utf8');

/** Every step the pages offer along the story, with its form: the labels, hints and options it shows. */
const offeredActions = [
  rules.proposeAction(bantenCoordinator),
  ...STORY.flatMap(({ state }) => [bantenCoordinator, bengkuluCoordinator, bengkuluDinkes].flatMap((me) => everyOffered(state, me).map((s) => s.action))),
].filter((action) => action !== undefined);
const formKeys = offeredActions.flatMap((action) =>
  action.fields.flatMap((spec) => [spec.label, spec.hint, ...(spec.options ?? []).map((o) => o.label)].filter((key): key is string => key !== undefined)),
);

// Written as records, so that a value added to a domain type and forgotten here fails to compile.
const valuesOf = <T extends string>(values: Record<T, true>): T[] => Object.keys(values) as T[];
const domainErrorNames = [agreementErrors, accessErrors, documentsErrors].flatMap((module) =>
  Object.values(module)
    .filter((value): value is new (...args: never[]) => DomainError => typeof value === 'function' && value.prototype instanceof DomainError)
    .map((error) => error.name),
);

/**
 * Every family of keys the views build from a value (`stage.${stage}`, a badge's `${family}.${value}`), with every
 * value it can take. A family the sources use and this table lacks fails the test, so a new one cannot go unchecked.
 */
const FAMILIES: Record<string, readonly (string | number)[]> = {
  stage: valuesOf<AgreementStage>({ none: true, proposed: true, negotiating: true, 'awaiting-signatures': true, active: true, expired: true, terminated: true, declined: true, withdrawn: true }),
  pks: valuesOf<PksStage>({ drafting: true, active: true, expired: true, terminated: true, 'ended-with-agreement': true }),
  fu: valuesOf<FollowUpStatus>({ assigned: true, acknowledged: true, 'in-progress': true, completed: true, cancelled: true }),
  visit: valuesOf<VisitStatus>({ requested: true, scheduled: true, held: true, cancelled: true }),
  doc: valuesOf<DocumentState>({ kept: true, 'not-uploaded': true, missing: true, 'does-not-match': true }),
  dprd: valuesOf<DprdStatus>({ 'not-requested': true, requested: true, approved: true, rejected: true }),
  role: valuesOf<Role>({ coordinator: true, 'dinas-officer': true, auditor: true, admin: true, system: true }),
  cat: valuesOf<CounterpartCategory>({ province: true, 'regency-same-province': true, 'regency-other-province': true }),
  deadline: valuesOf<DeadlineKind>({ 'offer-answer': true, 'ksb-without-pks': true, 'follow-up-due': true, 'visit-scheduling': true, 'semester-report': true, monev: true, 'ksb-end': true, 'pks-end': true }),
  event: valuesOf<AgreementEventType>({
    AgreementProposed: true, OfferAccepted: true, OfferDeclined: true, NegotiationOpened: true, AgreementWithdrawn: true, DraftRevised: true,
    DraftApproved: true, DraftFinalized: true, SigningScheduled: true, AgreementSigned: true, AgreementActivated: true, ReciprocalVisitRequested: true,
    ReciprocalVisitScheduled: true, ReciprocalVisitHeld: true, ReciprocalVisitCancelled: true, SemesterReportSubmitted: true, MonevRecorded: true,
    AgreementAmended: true, AgreementExtended: true, AgreementTerminated: true, AgreementExpired: true, PksDrafted: true, PksRevised: true,
    PksDprdApprovalRequested: true, PksDprdApprovalDecided: true, PksSigned: true, PksActivated: true, PksAmended: true, PksExtended: true,
    PksTerminated: true, PksExpired: true, PksEndedWithAgreement: true, FollowUpAssigned: true, FollowUpAcknowledged: true,
    FollowUpProgressReported: true, FollowUpCompleted: true, FollowUpDueDateExtended: true, FollowUpCancelled: true,
    AgreementImported: true, PksImported: true,
  }),
  kind: AGREEMENT_KINDS,
  mode: SIGNING_MODES,
  capacity: SIGNATORY_CAPACITIES,
  ground: TERMINATION_GROUNDS,
  rec: MONEV_RECOMMENDATIONS,
  rating: [1, 2, 3, 4, 5],
  semester: [1, 2],
  sort: SORTS,
  step: [...LIFECYCLE, 'ended'],
  // The refusals a user can meet: every rule of the domain and of access control.
  rule: domainErrorNames,
  // Every step rules.js names, and the label of every field its forms show.
  act: [...rulesJs.matchAll(/\bid: '(\w+)'/g)].map((m) => m[1]),
  f: formKeys.filter((key) => key.startsWith('f.')).map((key) => key.slice(2)),
};
// Deadlines in words: one sentence per kind.
FAMILIES.dl = FAMILIES.deadline;

const missingIn = (language: 'id' | 'en', keys: Iterable<string>) => [...new Set(keys)].filter((key) => !(key in dictionaries[language])).sort();
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the web app’s dictionaries', () => {
  it('hold the same keys in Indonesian and English, none empty, with the same placeholders', () => {
    const { id, en } = dictionaries;
    expect(missingIn('en', Object.keys(id))).toEqual([]);
    expect(missingIn('id', Object.keys(en))).toEqual([]);
    for (const key of Object.keys(id)) {
      expect([key, id[key].trim().length > 0, en[key].trim().length > 0]).toEqual([key, true, true]);
      expect([key, placeholders(en[key])]).toEqual([key, placeholders(id[key])]);
    }
  });

  it('hold every key the JavaScript names literally', () => {
    const prefixes = new Set(Object.keys(dictionaries.id).map((key) => key.split('.')[0]));
    const used = sources.flatMap(({ text }) => [
      // Whatever is handed to t() or has(), or given as a label or a hint.
      ...[...text.matchAll(/(?<![.\w])(?:t|has)\(\s*'([^']+)'/g)].map((m) => m[1]),
      ...[...text.matchAll(/\b(?:label|hint): '([^']+)'/g)].map((m) => m[1]),
      // Any other string shaped like a key of the dictionaries' families (a menu's `['#/dasbor', 'nav.dashboard']`).
      ...[...text.matchAll(/'([a-zA-Z]+)\.([\w.-]+)'/g)].filter((m) => prefixes.has(m[1])).map((m) => `${m[1]}.${m[2]}`),
    ]);
    expect(used.length).toBeGreaterThan(100);
    used.push(...formKeys);
    expect(missingIn('id', used)).toEqual([]);
    expect(missingIn('en', used)).toEqual([]);
  });

  it('hold every key the JavaScript builds from a value, for every value it can take', () => {
    const families = sources.flatMap(({ text }) => [
      // t(`stage.${stage}`), has(`rule.${rule}`), label: `ground.${ground}`
      ...[...text.matchAll(/(?:\b(?:t|has)\(\s*|\blabel: )`([a-z]+)\.\$\{/g)].map((m) => m[1]),
      ...[...text.matchAll(/\bbadge\('(\w+)'/g)].map((m) => m[1]),
    ]);
    expect([...new Set(families)].filter((family) => !(family in FAMILIES))).toEqual([]);
    // The story offers every step somewhere, so every form's labels were read above.
    expect([...new Set(offeredActions.map((a) => a.id))].sort()).toEqual([...new Set(FAMILIES.act)].sort());
    const keys = [...new Set(families)].flatMap((family) => FAMILIES[family].map((value) => `${family}.${value}`));
    expect(missingIn('id', keys)).toEqual([]);
    expect(missingIn('en', keys)).toEqual([]);
  });
});
