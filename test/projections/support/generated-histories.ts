import { randomUUID } from 'node:crypto';
import type { AgreementCommand } from '../../../src/agreements/domain/agreement.commands';
import { decideAgreement } from '../../../src/agreements/domain/agreement.decide';
import { agreementStreamId } from '../../../src/agreements/domain/agreement.decider';
import type { AgreementEvent, LeadOpd } from '../../../src/agreements/domain/agreement.events';
import { type AgreementInForce, type AgreementState, evolveAgreement, initialAgreementState, isFollowUpOpen, isInForce } from '../../../src/agreements/domain/agreement.state';
import { addDays, addMonths, type IsoDate } from '../../../src/agreements/domain/dates';
import { DEFAULT_POLICY } from '../../../src/agreements/domain/policy';
import { EVENT_SCHEMA_VERSION } from '../../../src/core/event';
import { DomainError } from '../../../src/core/domain-error';
import type { Actor } from '../../../src/core/event';
import type { EventStore } from '../../../src/core/event-store.port';
import { coordinator, dinasOfficer } from '../../../src/demo/demo-story';
import type { RegionDirectory } from '../../../src/regions/domain/region-directory';

/** A small seeded generator (mulberry32): the same seed tells the same histories. */
export class Random {
  constructor(private seed: number) {}

  next(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

const FIELDS = ['kesehatan', 'pendidikan', 'pariwisata', 'perhubungan', 'spbe', 'satu-data-indonesia', 'umkm', 'inovasi', 'manajemen-asn', 'ketahanan-pangan'];
const OPDS = ['Bappeda', 'Diskominfo', 'Dinas Kesehatan', 'Dinas Pendidikan', 'DPMPTSP', 'BKPSDM', 'Dinas Perhubungan', 'Dinas Pariwisata'];
const hash = (n: number): string => n.toString(16).padStart(64, '0');

export interface HistoryOptions {
  agreementId?: string;
  proposer: string;
  counterparts: string[];
  /** The day of the offer; every later step happens a few days after the one before. */
  start: IsoDate;
  /** Steps (commands) once the KSB is active. */
  activeSteps: number;
  /** Whether the offer may be declined or withdrawn, and the KSB terminated early. */
  mayFail?: boolean;
  termMonths?: number;
}

export interface HistoryStep {
  actor: Actor;
  occurredAt: string;
  events: AgreementEvent[];
}

type Input = { [T in AgreementCommand['type']]: { type: T; data: Extract<AgreementCommand, { type: T }>['data'] } }[AgreementCommand['type']];

/**
 * One agreement's plausible life, told through the real decider command by command: offer, answers, drafts,
 * approvals, signatures, then PKS, follow-ups, visits, reports and monev, and sometimes an early end. A step the
 * decider refuses is skipped, so every recorded history is one the engine could have recorded.
 */
export class AgreementHistory {
  readonly agreementId: string;
  readonly streamId: string;
  revision = -1;
  private state: AgreementState = initialAgreementState;
  private today: IsoDate;
  private readonly script: Generator<[Actor, Input]>;

  constructor(
    private readonly random: Random,
    readonly options: HistoryOptions,
  ) {
    this.agreementId = options.agreementId ?? randomUUID();
    this.streamId = agreementStreamId(this.agreementId);
    this.today = options.start;
    this.script = this.steps();
  }

  next(): HistoryStep | undefined {
    for (;;) {
      const step = this.script.next();
      if (step.done) return undefined;
      const [actor, input] = step.value;
      const command = { ...input, context: { today: this.today, policy: DEFAULT_POLICY } } as AgreementCommand;
      let events: AgreementEvent[];
      try {
        events = decideAgreement(command, this.state);
      } catch (error) {
        if (error instanceof DomainError) continue;
        throw error;
      }
      this.state = events.reduce(evolveAgreement, this.state);
      return { actor, occurredAt: `${this.today}T10:00:00+07:00`, events };
    }
  }

  private wait(min: number, max: number): void {
    this.today = addDays(this.today, this.random.between(min, max));
  }

  private *steps(): Generator<[Actor, Input]> {
    const { proposer, counterparts, mayFail = true } = this.options;
    const r = this.random;
    const parties = [proposer, ...counterparts];
    const fields = [...new Set([r.pick(FIELDS), r.pick(FIELDS), r.pick(FIELDS)])];
    yield [
      coordinator(proposer),
      {
        type: 'ProposeAgreement',
        data: {
          agreementId: this.agreementId,
          proposer,
          counterparts,
          title: `Kesepakatan Bersama ${proposer}–${counterparts.join('–')} tentang ${fields.join(', ')}`,
          fields,
          scope: `Kerja sama ${fields.join(', ')}`,
          kind: 'voluntary',
          offerLetter: { number: `000.5/${r.between(1, 9999)}/${this.today.slice(0, 4)}`, date: this.today },
          termMonths: this.options.termMonths ?? r.pick([24, 36, 60]),
        },
      },
    ];
    for (const counterpart of counterparts) {
      this.wait(2, 20);
      if (mayFail && r.chance(0.05)) {
        yield [coordinator(counterpart), { type: 'DeclineOffer', data: { party: counterpart, reason: 'belum menjadi prioritas' } }];
        return;
      }
      yield [coordinator(counterpart), { type: 'AcceptOffer', data: { party: counterpart } }];
    }
    const drafts = r.chance(0.3) ? 2 : 1;
    for (let version = 1; version <= drafts; version++) {
      this.wait(3, 10);
      yield [coordinator(proposer), { type: 'ReviseDraft', data: { documentSha256: hash(r.between(1, 1e9)), summary: `naskah versi ${version}` } }];
    }
    if (mayFail && r.chance(0.03)) {
      this.wait(1, 10);
      yield [coordinator(proposer), { type: 'WithdrawAgreement', data: { reason: 'diganti penawaran baru' } }];
      return;
    }
    for (const party of parties) {
      this.wait(1, 4);
      yield [coordinator(party), { type: 'ApproveDraft', data: { party, version: drafts } }];
    }
    if (r.chance(0.5)) {
      yield [coordinator(proposer), { type: 'ScheduleSigning', data: { date: addDays(this.today, 7), place: 'Gedung Sate, Bandung', mode: r.pick(['ceremonial', 'desk-to-desk', 'hybrid'] as const) } }];
    }
    this.wait(3, 14);
    for (const party of parties) {
      if (r.chance(0.2)) this.wait(0, 3);
      const signatory = { name: `Kepala Daerah ${party}`, position: `Kepala Daerah ${party}` };
      yield [coordinator(party), { type: 'SignAgreement', data: { party, signatory, documentNumber: `${party}/KSB/${r.between(1, 999)}`, date: this.today, place: 'Bandung' } }];
    }
    for (let step = 0; step < this.options.activeSteps && this.state.stage === 'active'; step++) {
      this.wait(2, 20);
      const next = this.activeStep(parties, fields);
      if (next) yield next;
    }
    if (mayFail && this.state.stage === 'active' && r.chance(0.05)) {
      yield [coordinator(proposer), { type: 'TerminateAgreement', data: { ground: 'agreed-by-parties', note: 'disepakati para pihak' } }];
    }
  }

  private activeStep(parties: string[], fields: string[]): [Actor, Input] | undefined {
    const r = this.random;
    const s = this.state;
    // Called while the KSB is active (the loop above checks it just before).
    if (!isInForce(s)) return undefined;
    const roll = r.next();
    const open = s.followUps.filter((f) => isFollowUpOpen(f.status));
    if (roll < 0.45 && open.length > 0) {
      const f = r.pick(open);
      const officer = dinasOfficer(f.party, f.opd);
      if (f.status === 'assigned') return [officer, { type: 'AcknowledgeFollowUp', data: { followUpId: f.followUpId } }];
      const choice = r.next();
      if (choice < 0.08) return [coordinator(f.party), { type: 'CancelFollowUp', data: { followUpId: f.followUpId, reason: 'tidak relevan lagi' } }];
      if (choice < 0.2) return [coordinator(f.party), { type: 'ExtendFollowUpDueDate', data: { followUpId: f.followUpId, dueDate: addDays(f.dueDate, 30), reason: 'menunggu anggaran' } }];
      if (f.percent >= 60) return [officer, { type: 'CompleteFollowUp', data: { followUpId: f.followUpId, note: 'selesai', evidence: [hash(r.between(1, 1e9))] } }];
      return [officer, { type: 'ReportFollowUpProgress', data: { followUpId: f.followUpId, percent: f.percent + 30, note: 'berjalan', evidence: [hash(r.between(1, 1e9))] } }];
    }
    if (roll < 0.6) {
      const party = r.pick(parties);
      const activePks = s.pks.filter((p) => p.stage === 'active');
      const pksId = activePks.length > 0 && r.chance(0.5) ? r.pick(activePks).pksId : undefined;
      const data = { party, opd: r.pick(OPDS), action: `Tindak lanjut ${r.between(1, 999)}`, dueDate: addDays(this.today, r.between(20, 150)) };
      return [coordinator(party), { type: 'AssignFollowUp', data: pksId ? { ...data, pksId } : data }];
    }
    if (roll < 0.78) return this.pksStep(s, parties, fields);
    if (roll < 0.84) {
      const visit = s.visits.find((v) => v.status === 'requested' || v.status === 'scheduled');
      if (!visit) {
        const [host, visitor] = r.chance(0.5) ? parties : [...parties].reverse();
        return [coordinator(host), { type: 'RequestReciprocalVisit', data: { host, visitor, purpose: 'kunjungan balasan' } }];
      }
      if (visit.status === 'requested') {
        return [coordinator(visit.host), { type: 'ScheduleReciprocalVisit', data: { visitId: visit.visitId, date: addDays(this.today, 20), delegation: ['Sekretaris Daerah'] } }];
      }
      if (r.chance(0.1)) return [coordinator(visit.host), { type: 'CancelReciprocalVisit', data: { visitId: visit.visitId, reason: 'agenda bentrok' } }];
      return [coordinator(visit.host), { type: 'RecordReciprocalVisit', data: { visitId: visit.visitId, date: visit.date ?? this.today, summary: 'kunjungan terlaksana', outcomes: ['rencana aksi'] } }];
    }
    if (roll < 0.92) {
      const party = r.pick(parties);
      const reported = new Set(s.semesterReports.filter((x) => x.party === party).map((x) => `${x.year}-${x.semester}`));
      const from = s.validFrom;
      let year = Number(from.slice(0, 4));
      let semester: 1 | 2 = Number(from.slice(5, 7)) <= 6 ? 1 : 2;
      while (reported.has(`${year}-${semester}`)) [year, semester] = semester === 1 ? [year, 2] : [year + 1, 1];
      return [coordinator(party), { type: 'SubmitSemesterReport', data: { party, year, semester, summary: 'laporan semester' } }];
    }
    if (roll < 0.97) {
      const party = r.pick(parties);
      return [coordinator(party), { type: 'RecordMonev', data: { party, date: this.today, rating: r.between(3, 5), recommendation: 'continue', note: 'sesuai rencana' } }];
    }
    if (roll < 0.985) {
      const signatures = parties.map((party) => ({ party, signatory: { name: `Kepala Daerah ${party}`, position: 'Kepala Daerah' }, documentNumber: `${party}/ADD`, date: this.today }));
      return [coordinator(parties[0]), { type: 'AmendAgreement', data: { documentSha256: hash(r.between(1, 1e9)), summary: 'addendum', signatures } }];
    }
    return [coordinator(parties[0]), { type: 'ExtendAgreement', data: { validUntil: addMonths(s.validUntil, 12) } }];
  }

  private pksStep(s: AgreementInForce, parties: string[], fields: string[]): [Actor, Input] | undefined {
    const r = this.random;
    const drafting = s.pks.find((p) => p.stage === 'drafting');
    if (!drafting) {
      const leadOpds: LeadOpd[] = parties.map((party) => ({ party, opd: r.pick(OPDS) }));
      const dprdRequiredFor = r.chance(0.25) ? [r.pick(parties)] : [];
      const field = r.pick(fields);
      return [coordinator(parties[0]), { type: 'DraftPks', data: { field, title: `PKS ${field} ${r.between(1, 99)}`, leadOpds, termMonths: r.pick([6, 12, 18]), dprdRequiredFor } }];
    }
    const { pksId } = drafting;
    if (!drafting.draft) return [coordinator(parties[0]), { type: 'RevisePks', data: { pksId, documentSha256: hash(r.between(1, 1e9)), summary: 'naskah PKS' } }];
    const gate = Object.entries(drafting.dprd).find(([, d]) => d.status !== 'approved');
    if (gate) {
      const [party, d] = gate;
      if (d.status === 'requested') {
        const approved = r.chance(0.9);
        return [coordinator(party), { type: 'DecidePksDprdApproval', data: { pksId, party, approved, decisionNumber: `DPRD/${party}/${r.between(1, 99)}`, note: approved ? 'disetujui' : 'ditunda' } }];
      }
      return [coordinator(party), { type: 'RequestPksDprdApproval', data: { pksId, party } }];
    }
    const party = parties.find((p) => !drafting.signatures[p]);
    if (!party) return undefined;
    const lead = drafting.leadOpds.find((l) => l.party === party)?.opd ?? 'Bappeda';
    const signatory = { name: `Kepala ${lead}`, position: `Kepala ${lead}`, capacity: 'opd-head' as const, skkNumber: `SKK/${party}/${r.between(1, 99)}` };
    return [dinasOfficer(party, lead), { type: 'SignPks', data: { pksId, party, signatory, documentNumber: `${party}/PKS/${r.between(1, 999)}`, date: this.today } }];
  }
}

export interface AppendProgress {
  events: number;
  agreements: number;
}

/**
 * Appends the histories interleaved, as a store fills when many agreements are in flight at once: each round
 * takes one step of every history in flight and appends them together (one group commit).
 */
export async function appendInterleaved(
  store: EventStore,
  nextHistory: () => AgreementHistory | undefined,
  options: { inFlight: number; maxEvents?: number; onRound?: (progress: AppendProgress) => void },
): Promise<AppendProgress> {
  const progress: AppendProgress = { events: 0, agreements: 0 };
  const inFlight: AgreementHistory[] = [];
  const refill = (): void => {
    while (inFlight.length < options.inFlight) {
      const history = nextHistory();
      if (!history) return;
      inFlight.push(history);
      progress.agreements++;
    }
  };
  refill();
  while (inFlight.length > 0 && progress.events < (options.maxEvents ?? Number.POSITIVE_INFINITY)) {
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < inFlight.length; i++) {
      const history = inFlight[i];
      const step = history.next();
      if (!step) {
        inFlight.splice(i--, 1);
        continue;
      }
      const expected = history.revision < 0 ? 'no-stream' : history.revision;
      history.revision += step.events.length;
      progress.events += step.events.length;
      const correlationId = randomUUID();
      appends.push(
        store.append(
          history.streamId,
          step.events.map((event) => ({
            id: randomUUID(),
            type: event.type,
            schemaVersion: EVENT_SCHEMA_VERSION,
            data: event.data,
            metadata: { actor: step.actor, occurredAt: step.occurredAt, correlationId, causationId: correlationId },
          })),
          expected,
        ),
      );
    }
    await Promise.all(appends);
    options.onRound?.(progress);
    refill();
  }
  return progress;
}

/**
 * West Java's 76 KSBs as seed 003 counts them: 27 with the kabupaten/kota of Jawa Barat, 20 with provinces and
 * 29 with kabupaten/kota of other provinces. All reach active, signed on days spread over four years.
 */
export function westJavaPortfolio(regions: RegionDirectory, seed = 3): AgreementHistory[] {
  const random = new Random(seed);
  const all = regions.all().sort((a, b) => (a.code < b.code ? -1 : 1));
  const insideJabar = all.filter((r) => r.level !== 'province' && r.provinceCode === '32');
  const provinces = all.filter((r) => r.level === 'province' && r.code !== '32').slice(0, 20);
  const outside = all.filter((r) => r.level !== 'province' && r.provinceCode !== '32').filter((_, i) => i % 16 === 0).slice(0, 29);
  if (insideJabar.length !== 27 || provinces.length !== 20 || outside.length !== 29) {
    throw new Error(`the region list does not give 27/20/29 (got ${insideJabar.length}/${provinces.length}/${outside.length})`);
  }
  return [...insideJabar, ...provinces, ...outside].map(
    (partner, i) =>
      new AgreementHistory(random, {
        // Some offers come from the partner: West Java is a party either way.
        proposer: i % 5 === 0 ? partner.code : '32',
        counterparts: [i % 5 === 0 ? '32' : partner.code],
        start: addDays('2021-01-04', i * 19),
        activeSteps: 6 + (i % 7),
        mayFail: false,
        termMonths: 60,
      }),
  );
}
