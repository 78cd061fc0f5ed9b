import { QUEUE_BOARD_CONTENT_SECURITY_POLICY } from '../../src/reminders/queue-board';
import { BENGKULU, bengkuluCoordinator } from '../e2e/http-fixtures';
import { PrivateRedis } from '../support/private-redis';
import { launchChromium } from '../web/support/browser';
import { type TestUser, TestApp } from '../support/test-app';
import { testReminders } from '../support/reminder-receivers';
import { describeNeeding, itNeeding } from '../support/system-parts';

const operator: TestUser = { userId: 'operator@sinergi', role: 'admin', region: BENGKULU };

/** Bull Board at /admin/queues: the reminder queue, for admins only, behind the API's own bearer tokens. */
describe('the queue board at /admin/queues', () => {
  describeNeeding('redis')('with reminders on', () => {
    let redis: PrivateRedis;
    let app: TestApp;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      app = await TestApp.start({
        reminders: testReminders(redis.url),
      });
    });

    afterAll(async () => {
      await app?.close();
      await redis?.stop();
    });

    it('asks for a token without one, with a challenge', async () => {
      const response = await app.anonymous().get('/admin/queues').expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="sinergi"');
      expect(response.body.rule).toBe('tokenMissing');
      await app.anonymous().get('/admin/queues/api/queues').expect(401);
    });

    it('refuses a bad token', async () => {
      const response = await app.withToken('sng_not-a-real-token').get('/admin/queues').expect(401);
      expect(response.body.rule).toBe('invalidToken');
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('refuses a user who is not an admin', async () => {
      const response = await app.as(bengkuluCoordinator).get('/admin/queues').expect(403);
      expect(response.body.rule).toBe('RoleNotAllowed');
      await app.as(bengkuluCoordinator).get('/admin/queues/api/queues').expect(403);
    });

    it('shows an admin the board, under a policy that lets its page load, and the reminder queue through its API', async () => {
      const page = await app.as(operator).get('/admin/queues').expect(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain('<base href="/admin/queues/"');
      expect(page.headers['content-security-policy']).toBe(QUEUE_BOARD_CONTENT_SECURITY_POLICY);
      expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      const script = /<script defer src="([^"]+)"/.exec(page.text)?.[1] ?? '';
      await app.as(operator).get(`/admin/queues/${script}`).expect(200);
      const { body } = await app.as(operator).get('/admin/queues/api/queues').expect(200);
      expect(body.queues.map((queue: { name: string }) => queue.name)).toEqual(['reminders']);
    });

    itNeeding('chromium')('renders in a browser for an admin, with nothing refused by the content security policy', async () => {
      const browser = await launchChromium();
      try {
        const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${await app.tokenOf(operator)}` } });
        const page = await context.newPage();
        const refused: string[] = [];
        page.on('console', (message) => {
          if (/Content[- ]Security[- ]Policy/i.test(message.text())) refused.push(message.text());
        });
        page.on('pageerror', (error) => refused.push(error.message));
        // The page's fonts come from Google Fonts, out of reach here: the board must not wait for them.
        await context.route(/fonts\.(googleapis|gstatic)\.com/, (route) => route.abort());
        await page.goto(`${app.url}/admin/queues`);
        await page.getByText('reminders').first().waitFor({ timeout: 10_000 });
        expect(refused).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 30_000);

    it('leaves the policy of every other path as it was', async () => {
      const health = await app.as(operator).get('/health').expect(200);
      expect(health.headers['content-security-policy']).not.toBe(QUEUE_BOARD_CONTENT_SECURITY_POLICY);
      expect(health.headers['content-security-policy']).toContain("style-src 'self' https: 'unsafe-inline'");
    });
  });

  it('is not there when reminders are off', async () => {
    const app = await TestApp.start();
    try {
      await app.as(operator).get('/admin/queues').expect(404);
    } finally {
      await app.close();
    }
  });
});
