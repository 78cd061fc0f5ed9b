import { duration, type ProgressOutput, startProgress } from './progress';

class Recorded implements ProgressOutput {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(text: string): void {
    this.text += text;
  }
  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}

function clock(): { now: () => number; advance(ms: number): void } {
  let at = 1_000_000;
  return { now: () => at, advance: (ms) => (at += ms) };
}

describe('progress written to a log or a pipe', () => {
  it('prints a plain line per tenth of the way, with an estimate of the time left, and no terminal codes', () => {
    const out = new Recorded(false);
    const time = clock();
    const progress = startProgress('copying', { total: 1000, unit: 'events', out, now: time.now });
    for (let done = 50; done <= 1000; done += 50) {
      time.advance(1000);
      progress.update(done);
    }
    progress.finish();
    expect(out.text).not.toMatch(/\r|\x1b/);
    expect(out.lines).toHaveLength(12);
    expect(out.lines[0]).toBe('  copying: 50 / 1,000 events (5%), about 19 s left');
    expect(out.lines[1]).toBe('  copying: 100 / 1,000 events (10%), about 18 s left');
    expect(out.lines[10]).toBe('  copying: 1,000 / 1,000 events (100%), done');
    expect(out.lines[11]).toBe('  copying: 1,000 events in 20 s');
  });

  it('still prints a line now and then when a tenth takes long', () => {
    const out = new Recorded(false);
    const time = clock();
    const progress = startProgress('verifying', { total: 1_000_000, out, now: time.now });
    for (let done = 1; done <= 30; done++) {
      time.advance(1000);
      progress.update(done);
    }
    expect(out.lines).toHaveLength(3);
  });
});

describe('progress on a terminal', () => {
  it('redraws one line in place, at most ten times a second, and closes it with the summary', () => {
    const out = new Recorded(true);
    const time = clock();
    const progress = startProgress('rebuilding', { total: 100, unit: 'events', out, now: time.now });
    for (let done = 1; done <= 100; done++) {
      time.advance(10);
      progress.update(done);
    }
    progress.finish('2 read models switched live');
    const redraws = out.text.split('\r\x1b[K').filter((part) => part !== '');
    expect(redraws.length).toBeGreaterThanOrEqual(10);
    expect(redraws.length).toBeLessThanOrEqual(12);
    expect(redraws.at(-2)).toBe('  rebuilding: 100 / 100 events (100%), done');
    expect(redraws.at(-1)).toBe('  rebuilding: 2 read models switched live in 1.0 s\n');
  });

  it('says it is estimating until the rate means something', () => {
    const out = new Recorded(true);
    const time = clock();
    const progress = startProgress('backing up', { total: 10, out, now: time.now });
    time.advance(100);
    progress.update(1);
    expect(out.text).toContain('estimating the time left');
  });
});

describe('a short step written to a log', () => {
  it('gets its closing line only', () => {
    const out = new Recorded(false);
    const time = clock();
    const progress = startProgress('verifying', { total: 79, unit: 'events', out, now: time.now });
    for (let done = 1; done <= 79; done++) {
      time.advance(5);
      progress.update(done);
    }
    progress.finish();
    expect(out.lines).toEqual(['  verifying: 79 events in 0.4 s']);
  });
});

describe('a result printed while progress is shown', () => {
  it('takes a line of its own above the redrawn progress on a terminal', () => {
    const out = new Recorded(true);
    const time = clock();
    const progress = startProgress('loading', { total: 6, unit: 'stories', out, now: time.now });
    progress.update(1);
    progress.log('banten-bengkulu  41 events');
    expect(out.text.split('\n')).toEqual([expect.stringMatching(/\r\x1b\[K  loading: 1 \/ 6 stories.*\r\x1b\[Kbanten-bengkulu  41 events$/), expect.stringMatching(/^  loading: 1 \/ 6 stories/)]);
  });

  it('is a plain line in a log', () => {
    const out = new Recorded(false);
    const progress = startProgress('loading', { total: 6, out });
    progress.log('banten-bengkulu  41 events');
    expect(out.lines).toEqual(['banten-bengkulu  41 events']);
  });
});

describe('a duration', () => {
  it('reads in the unit a person expects', () => {
    expect(duration(1_234)).toBe('1.2 s');
    expect(duration(42_400)).toBe('42 s');
    expect(duration(119_600)).toBe('2 min 0 s');
    expect(duration(3_725_000)).toBe('1 h 2 min');
  });
});

describe('progress in Indonesian (the import, run by an office)', () => {
  it('says every word around the figures in Indonesian, with Indonesian numbers', () => {
    const out = new Recorded(false);
    const time = clock();
    const progress = startProgress('mengimpor', { total: 10_000, unit: 'baris', out, now: time.now, language: 'id' });
    time.advance(1500);
    progress.update(2500);
    time.advance(4500);
    progress.update(10_000);
    progress.finish();
    expect(out.lines).toEqual([
      '  mengimpor: 2.500 / 10.000 baris (25%), sekitar 4,5 detik lagi',
      '  mengimpor: 10.000 / 10.000 baris (100%), selesai',
      '  mengimpor: 10.000 baris dalam 6,0 detik',
    ]);
  });

  it('estimates in Indonesian too, and gives long durations in minutes and hours', () => {
    const out = new Recorded(true);
    const time = clock();
    const progress = startProgress('memeriksa', { total: 10, out, now: time.now, language: 'id' });
    time.advance(100);
    progress.update(1);
    expect(out.text).toContain('memperkirakan sisa waktu');
    expect(duration(125_000, 'id')).toBe('2 menit 5 detik');
    expect(duration(7_500_000, 'id')).toBe('2 jam 5 menit');
  });
});
