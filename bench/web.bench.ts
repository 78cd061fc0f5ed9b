// First paint of the web app's dashboard and agreement page, in headless Chromium, on the demo data plus West
// Java's generated 76-KSB portfolio. "First paint" is the moment the view's content is drawn (the app's own
// `sinergi:<view>-drawn` mark, measured from navigation start), with the browser's first-contentful-paint beside it.
import { CommandBus } from '@nestjs/cqrs';
import { loadSeedStories } from '../src/demo/seed-stories';
import { EventStore } from '../src/core/event-store.port';
import { ProjectionsStatus } from '../src/read-models/projector/projections-status';
import { RegionDirectory } from '../src/regions/domain/region-directory';
import { appendInterleaved, westJavaPortfolio } from '../test/projections/support/generated-histories';
import { TestApp, type TestUser } from '../test/support/test-app';
import { launchChromium, signIn, waitUntilDrawn } from '../test/web/support/browser';
import { type BenchResult, progress, runBenchmark } from './support';

const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const ROUNDS = 7;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

runBenchmark(async (): Promise<BenchResult> => {
  const app = await TestApp.start({ now: '2026-11-22T03:00:00.000Z' });
  const browser = await launchChromium();
  try {
    await loadSeedStories(app.get(CommandBus), () => undefined);
    const histories = westJavaPortfolio(app.get(RegionDirectory));
    await appendInterleaved(app.get(EventStore), () => histories.shift(), { inFlight: 16 });
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    progress(`loaded ${await app.eventCount()} events`);

    const tab = await signIn(browser, app, jabar);
    const agreementId = await tab.page.evaluate<string>(
      `fetch('/agreements?sort=-updated&pageSize=1', { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('sinergi.token') } }).then((r) => r.json()).then((p) => p.items[0].agreementId)`,
    );
    // Each round is a fresh page load (same tab, token kept in sessionStorage), as a user opening a link.
    const measure = async (hash: string, view: string) => {
      const drawn: number[] = [];
      const contentful: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Via a blank page: a second visit to the same page with another hash would not load it again.
        await tab.page.goto('about:blank');
        await tab.page.goto(`${app.url}/${hash}`);
        await waitUntilDrawn(tab, view);
        const [mark, fcp] = await tab.page.evaluate<[number, number]>(
          `[performance.getEntriesByName('sinergi:${view}-drawn')[0].startTime, (performance.getEntriesByName('first-contentful-paint')[0] || { startTime: NaN }).startTime]`,
        );
        drawn.push(mark);
        contentful.push(fcp);
      }
      return { drawn: median(drawn), contentful: median(contentful) };
    };
    const dashboard = await measure('#/dasbor', 'dashboard');
    const agreement = await measure(`#/kesepakatan/${agreementId}`, 'agreement');
    const rows = [
      ['view', 'content drawn (ms, median)', 'first contentful paint (ms, median)'],
      ['dashboard (Jawa Barat, 80 agreements)', dashboard.drawn.toFixed(0), dashboard.contentful.toFixed(0)],
      ['agreement page', agreement.drawn.toFixed(0), agreement.contentful.toFixed(0)],
    ];
    return {
      title: 'web: first paint in headless Chromium (demo data + 76 generated KSBs of West Java)',
      rows,
      figures: { 'web.dashboard_ms': dashboard.drawn, 'web.agreement_ms': agreement.drawn },
      notes: [`${ROUNDS} page loads per view; the figure is the median time from navigation start to the view's content being drawn.`],
    };
  } finally {
    await browser.close();
    await app.close();
  }
});
