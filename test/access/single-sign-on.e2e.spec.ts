import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { AccessConfig, DEFAULT_CLAIM_NAMES } from '../../src/access/access.config';
import { TestApp } from '../support/test-app';
import { BANTEN, BENGKULU, bantenOffersBengkulu } from '../e2e/http-fixtures';

const ISSUER = 'https://sso.sinergi.test/realms/kemendagri';
const AUDIENCE = 'sinergi-api';

/** The identity provider's key set, served over HTTP by a real local server, as the deployment would fetch it. */
class JwksServer {
  private server?: Server;
  requests = 0;

  constructor(private readonly keys: JWK[]) {}

  async start(): Promise<string> {
    this.server = createServer((_request, response) => {
      this.requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/protocol/openid-connect/certs`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Signer {
  kid: string;
  privateKey: CryptoKey;
}

async function newSigner(kid: string): Promise<Signer & { publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const bantenClaims = { [DEFAULT_CLAIM_NAMES.role]: 'coordinator', [DEFAULT_CLAIM_NAMES.region]: BANTEN, name: 'Siti Rahma' };

function tokenFor(
  signer: Signer,
  claims: Record<string, unknown> = bantenClaims,
  options: { audience?: string; issuer?: string; expiresAt?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? signer.kid })
    .setSubject('siti.rahma')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(options.expiresAt ?? now + 300)
    .sign(signer.privateKey);
}

describe('a request with a single sign-on token', () => {
  let app: TestApp;
  let jwks: JwksServer;
  let published: Signer;
  let unpublished: Signer;

  beforeAll(async () => {
    const signer = await newSigner('kemendagri-2025');
    published = signer;
    unpublished = await newSigner('somebody-else');
    jwks = new JwksServer([signer.publicJwk]);
    const jwksUrl = await jwks.start();
    const oidc = { issuer: ISSUER, audience: AUDIENCE, jwksUrl, claims: DEFAULT_CLAIM_NAMES };
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', access: new AccessConfig(oidc, 100) });
  });
  afterAll(async () => {
    await app.close();
    await jwks.stop();
  });

  it('is served as the user its claims name, verified against the published key set', async () => {
    const { body } = await app.withToken(await tokenFor(published)).get('/me').expect(200);
    expect(body).toEqual({ userId: 'siti.rahma', name: 'Siti Rahma', role: 'coordinator', region: BANTEN, national: false, via: 'oidc' });
    expect(jwks.requests).toBeGreaterThan(0);
  });

  it('records the actor from the verified claims', async () => {
    const { body } = await app.withToken(await tokenFor(published)).post('/agreements', bantenOffersBengkulu).expect(201);
    const events = (await app.withToken(await tokenFor(published)).get(`/agreements/${body.agreementId}/events`).expect(200)).body;
    expect(events[0].metadata.actor).toEqual({ userId: 'siti.rahma', role: 'coordinator', region: BANTEN, via: 'sso' });
  });

  it('keeps a built-in user of the same id apart from the SSO subject: the events say which acted, and their keys do not mix', async () => {
    const namesake = { userId: 'siti.rahma', role: 'coordinator' as const, region: BANTEN };
    const key = 'penawaran-bengkulu-1';
    const bySso = await app.withToken(await tokenFor(published)).post('/agreements', bantenOffersBengkulu).set('Idempotency-Key', key).expect(201);
    const byBuiltIn = await app.as(namesake).post('/agreements', bantenOffersBengkulu).set('Idempotency-Key', key).expect(201);
    expect(byBuiltIn.body).toMatchObject({ replayed: false });
    expect(byBuiltIn.body.agreementId).not.toBe(bySso.body.agreementId);
    const actorOfFirstEvent = async (agreementId: string) => (await app.as(namesake).get(`/agreements/${agreementId}/events`).expect(200)).body[0].metadata.actor;
    expect(await actorOfFirstEvent(bySso.body.agreementId)).toEqual({ ...namesake, via: 'sso' });
    expect(await actorOfFirstEvent(byBuiltIn.body.agreementId)).toEqual(namesake);
  });

  it('maps an OPD and a national scope from their claims', async () => {
    const dinas = { [DEFAULT_CLAIM_NAMES.role]: 'dinas-officer', [DEFAULT_CLAIM_NAMES.region]: BENGKULU, [DEFAULT_CLAIM_NAMES.opd]: 'Dinas Kesehatan' };
    expect((await app.withToken(await tokenFor(published, dinas)).get('/me').expect(200)).body).toMatchObject({ opd: 'Dinas Kesehatan' });
    const bpk = { [DEFAULT_CLAIM_NAMES.role]: 'auditor', [DEFAULT_CLAIM_NAMES.region]: '31', [DEFAULT_CLAIM_NAMES.scope]: 'national' };
    expect((await app.withToken(await tokenFor(published, bpk)).get('/me').expect(200)).body).toMatchObject({ role: 'auditor', national: true });
  });

  describe('is refused with 401, and nothing is written,', () => {
    const refusedBecause = async (token: string, message: string) => {
      const before = await app.eventCount();
      const response = await app.withToken(token).post('/agreements', bantenOffersBengkulu).expect(401);
      expect(response.body).toMatchObject({ rule: 'invalidToken', message });
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(await app.eventCount()).toBe(before);
    };

    it('when it has expired', async () =>
      refusedBecause(await tokenFor(published, bantenClaims, { expiresAt: Math.floor(Date.now() / 1000) - 120 }), 'the token has expired'));

    it('when it is meant for another audience', async () =>
      refusedBecause(await tokenFor(published, bantenClaims, { audience: 'another-app' }), "the token's aud claim is not accepted"));

    it('when another issuer issued it', async () =>
      refusedBecause(await tokenFor(published, bantenClaims, { issuer: 'https://evil.example' }), "the token's iss claim is not accepted"));

    it('when its signature is not the published key’s', async () =>
      // Signed with another private key, but naming the published key.
      refusedBecause(await tokenFor(unpublished, bantenClaims, { kid: published.kid }), 'the token signature does not verify'));

    it('when it is signed with a key the identity provider does not publish', async () =>
      refusedBecause(await tokenFor(unpublished), 'the token is signed with a key the identity provider does not publish'));

    it('when it is not signed at all', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ ...bantenClaims, sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
      await refusedBecause(`${header}.${payload}.`, 'the token is signed with an algorithm that is not accepted');
    });

    it('when its claims name no Sinergi role', async () => {
      const response = await app.withToken(await tokenFor(published, { [DEFAULT_CLAIM_NAMES.role]: 'governor', [DEFAULT_CLAIM_NAMES.region]: BANTEN })).get('/me');
      expect([response.status, response.body.rule]).toEqual([401, 'invalidToken']);
      expect(response.body.message).toContain('the role must be one of');
    });
  });
});

describe('a single sign-on token while the identity provider is unreachable', () => {
  let app: TestApp;
  let signer: Signer;

  beforeAll(async () => {
    signer = await newSigner('kemendagri-2025');
    // A server that is started and stopped again leaves a port with nobody listening.
    const gone = new JwksServer([]);
    const jwksUrl = await gone.start();
    await gone.stop();
    app = await TestApp.start({ access: new AccessConfig({ issuer: ISSUER, audience: AUDIENCE, jwksUrl, claims: DEFAULT_CLAIM_NAMES }, 100) });
  });
  afterAll(() => app.close());

  it('is answered 503, not taken for a bad token', async () => {
    const { status, body } = await app.withToken(await tokenFor(signer)).get('/me');
    expect([status, body.rule]).toEqual([503, 'identityProviderUnavailable']);
  });
});
