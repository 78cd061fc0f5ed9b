import { createHash } from 'node:crypto';
import type { Actor } from '../../src/core/event';
import type { TestApp } from '../support/test-app';

export const BANTEN = '36';
export const BENGKULU = '17';

export const bantenCoordinator: Actor = { userId: 'biro-pemotda@bantenprov.go.id', role: 'coordinator', region: BANTEN };
export const bengkuluCoordinator: Actor = { userId: 'biro-pemotda@bengkuluprov.go.id', role: 'coordinator', region: BENGKULU };
export const bengkuluDinkes: Actor = {
  userId: 'dinkes@bengkuluprov.go.id',
  role: 'dinas-officer',
  region: BENGKULU,
  opd: 'Dinas Kesehatan Provinsi Bengkulu',
};

export const sha256 = (content: string): string => createHash('sha256').update(content).digest('hex');

/** Banten's offer to Bengkulu, as the seed story tells it. */
export const bantenOffersBengkulu = {
  proposer: BANTEN,
  counterparts: [BENGKULU],
  title: 'Kesepakatan Bersama Pemerintah Provinsi Banten dan Pemerintah Provinsi Bengkulu',
  fields: ['potensi daerah', 'pelayanan publik', 'kesehatan'],
  scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, dimulai dari pelayanan kesehatan',
  kind: 'voluntary',
  offerLetter: { number: '415.4/1021-Pem/2025', date: '2025-09-01' },
  termMonths: 60,
};

export const ksbSignature = (party: string, date = '2025-10-24') => ({
  party,
  signatory:
    party === BANTEN
      ? { name: 'Andra Soni', position: 'Gubernur Banten' }
      : { name: 'Helmi Hasan', position: 'Gubernur Bengkulu' },
  documentNumber: party === BANTEN ? '120/45-KSB/2025' : '120/33/B.1/2025',
  date,
  place: 'Pendopo Gubernur Banten, KP3B, Serang',
});

/** Drives a fresh Banten–Bengkulu KSB through HTTP to `awaiting-signatures`; returns its id. */
export async function agreementAwaitingSignatures(app: TestApp): Promise<string> {
  const banten = app.as(bantenCoordinator);
  const bengkulu = app.as(bengkuluCoordinator);
  const { body } = await banten.post('/agreements', bantenOffersBengkulu).expect(201);
  const id: string = body.agreementId;
  await bengkulu.post(`/agreements/${id}/acceptances`, { party: BENGKULU }).expect(200);
  await banten.post(`/agreements/${id}/drafts`, { documentSha256: sha256('draft v1'), summary: 'first draft' }).expect(201);
  await banten.post(`/agreements/${id}/drafts/1/approvals`, { party: BANTEN }).expect(200);
  await bengkulu.post(`/agreements/${id}/drafts/1/approvals`, { party: BENGKULU }).expect(200);
  return id;
}

/** Drives a fresh Banten–Bengkulu KSB through HTTP until it is active; returns its id. */
export async function activeAgreement(app: TestApp): Promise<string> {
  const id = await agreementAwaitingSignatures(app);
  await app.as(bantenCoordinator).post(`/agreements/${id}/signatures`, ksbSignature(BANTEN)).expect(200);
  await app.as(bengkuluCoordinator).post(`/agreements/${id}/signatures`, ksbSignature(BENGKULU)).expect(200);
  return id;
}
