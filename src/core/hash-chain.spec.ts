import { canonicalJson } from './hash-chain';

/** The definition the hand-written serializer must match byte for byte: every stored hash depends on it. */
const byDefinition = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

describe('the canonical JSON of an event', () => {
  const samples: unknown[] = [
    { b: 1, a: [3, { d: null, c: 'x' }], e: undefined, f: true },
    { '36': { date: '2025-10-24' }, '17': {}, '36.04': 'kab', '10': 1, '9': 2, z: [], A: 'upper' },
    { text: 'Kesepakatan "Bersama" \\ baris\nbaru \u2028 ✓ 😀', n: -0.5e-7, big: 1e21, nan: Number.NaN, inf: Infinity },
    { list: [undefined, () => 1, Symbol('s'), { deep: [[{ y: 1, x: 2 }]] }], fn: () => 1, sym: Symbol('t') },
    { date: new Date('2025-10-24T03:00:00Z'), nested: { toJSON: () => ({ b: 2, a: 1 }) } },
    { '': 'empty key', '01': 'not an index', '4294967295': 'too big', '4294967294': 'largest index', '-1': 'negative' },
    [{ b: 1, a: 2 }, 'x', 3],
    'just a string',
    42,
    null,
  ];

  it.each(samples.map((sample, i) => [i, sample]))('is JSON with keys sorted as the definition says (sample %i)', (_i, sample) => {
    expect(canonicalJson(sample)).toBe(byDefinition(sample));
  });
});
