import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import type { ApiError } from '../../src/http/api-exception.filter';
import { storePairs } from '../support/stores';
import { TestApp } from '../support/test-app';
import {
  BANTEN,
  BENGKULU,
  agreementAwaitingSignatures,
  bantenCoordinator,
  bantenOffersBengkulu,
  bengkuluCoordinator,
  ksbSignature,
  sha256,
} from './http-fixtures';

/** Every refusal names what was wrong, and leaves the store as it was. */
describe.each(storePairs())('a request the API refuses, on $name', (pair) => {
  let app: TestApp;
  let proposedId: string;
  let signedByBantenId: string;
  const banten = () => app.as(bantenCoordinator);

  /** Sends the request, expects the status, and checks that the store's head did not move. */
  async function refused(request: Test, status: number): Promise<ApiError> {
    const before = await app.eventCount();
    const { body } = await request.expect(status);
    expect(await app.eventCount()).toBe(before);
    return body;
  }

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', ...(await pair.stores()) });
    proposedId = (await banten().post('/agreements', bantenOffersBengkulu).expect(201)).body.agreementId;
    signedByBantenId = await agreementAwaitingSignatures(app);
    await banten().post(`/agreements/${signedByBantenId}/signatures`, ksbSignature(BANTEN)).expect(200);
  }, 60_000);
  afterAll(() => app.close());

  describe('because its body is malformed', () => {
    it('answers 400 on a body that is not JSON, naming the body', async () => {
      const body = await refused(
        banten().post('/agreements').set('Content-Type', 'application/json').send('{"proposer": "36",'),
        400,
      );
      expect(body.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'json' })]);
    });

    it('answers 413 on a body over the size limit', async () => {
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, scope: 'x'.repeat(200_000) }), 413);
      expect(body).toMatchObject({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the limit' });
    });
  });

  describe('because a field is wrong', () => {
    it('refuses a number sent as a string: "60" is not 60', async () => {
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, termMonths: '60' }), 400);
      expect(body.errors).toContainEqual(expect.objectContaining({ field: 'termMonths', rule: 'isInt' }));
    });

    it('refuses a region code sent as a number', async () => {
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, counterparts: [17] }), 400);
      expect(body.errors).toContainEqual(expect.objectContaining({ field: 'counterparts', rule: 'isString' }));
    });

    it('refuses a field it does not know', async () => {
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, budget: 1_000_000_000 }), 400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'budget', rule: 'whitelistValidation' })]);
    });

    it('names a nested field by its path', async () => {
      const offerLetter = { number: '415.4/1021-Pem/2025', date: '2025-02-30' };
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, offerLetter }), 400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'offerLetter.date', rule: 'isIsoDate' })]);
    });

    it('refuses a document digest that is not a SHA-256', async () => {
      const draft = { documentSha256: sha256('draft').toUpperCase(), summary: 'draft' };
      const body = await refused(banten().post(`/agreements/${proposedId}/drafts`, draft), 400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'documentSha256', rule: 'matches' })]);
    });

    it('refuses a step dated in the future', async () => {
      const body = await refused(
        banten().post('/agreements', { ...bantenOffersBengkulu, occurredAt: '2025-10-25T03:00:00.000Z' }),
        400,
      );
      expect(body.errors).toEqual([expect.objectContaining({ field: 'occurredAt', rule: 'notInFuture' })]);
    });
  });

  describe('because a domain rule forbids the input', () => {
    it('refuses a region code that is not an official one, naming the counterpart', async () => {
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, counterparts: [BENGKULU, '99'] }), 400);
      expect(body.rule).toBe('UnknownRegion');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'counterparts.1', rule: 'UnknownRegion' })]);
    });

    it('refuses a proposer that is its own counterpart', async () => {
      const body = await refused(banten().post('/agreements', { ...bantenOffersBengkulu, counterparts: [BANTEN] }), 400);
      expect(body.rule).toBe('CounterpartIsProposer');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'counterparts', rule: 'CounterpartIsProposer' })]);
    });
  });

  describe('because the lifecycle forbids the step now', () => {
    it('answers 409 NotAwaitingSignatures to a signature before the TKKSD approvals', async () => {
      const body = await refused(banten().post(`/agreements/${proposedId}/signatures`, ksbSignature(BANTEN)), 409);
      expect(body).toMatchObject({ statusCode: 409, rule: 'NotAwaitingSignatures' });
    });

    it('answers 409 PartyAlreadySigned to a second signature from the same party', async () => {
      const body = await refused(banten().post(`/agreements/${signedByBantenId}/signatures`, ksbSignature(BANTEN)), 409);
      expect(body).toMatchObject({ statusCode: 409, rule: 'PartyAlreadySigned' });
    });
  });

  describe('because what it names does not exist', () => {
    it('answers 404 AgreementNotFound for an agreement never proposed', async () => {
      const unknown = randomUUID();
      expect((await refused(banten().get(`/agreements/${unknown}`), 404)).rule).toBe('AgreementNotFound');
      const body = await refused(app.as(bengkuluCoordinator).post(`/agreements/${unknown}/acceptances`, { party: BENGKULU }), 404);
      expect(body.rule).toBe('AgreementNotFound');
    });

    it('answers 404 PksNotFound for a PKS the agreement does not have', async () => {
      const body = await refused(banten().get(`/agreements/${signedByBantenId}/pks/pks-9`), 404);
      expect(body).toMatchObject({ rule: 'PksNotFound', errors: [expect.objectContaining({ field: 'pksId' })] });
    });

    it('answers 400 to an agreement id that is not a UUID', async () => {
      const body = await refused(banten().get('/agreements/ksb-banten-bengkulu'), 400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'agreementId', rule: 'isUuid' })]);
    });
  });

  describe('because nobody says who is acting', () => {
    it('answers 401 without a bearer token', async () => {
      const body = await refused(app.anonymous().post('/agreements', bantenOffersBengkulu), 401);
      expect(body.rule).toBe('tokenMissing');
    });

    it('answers 401 to a token nobody issued', async () => {
      const body = await refused(app.withToken('sng_not-a-token-anyone-issued').post('/agreements', bantenOffersBengkulu), 401);
      expect(body.rule).toBe('invalidToken');
    });
  });
});
