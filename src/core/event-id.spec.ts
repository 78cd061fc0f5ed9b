import { newEventId } from './event-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('are version 7 UUIDs that carry the time they were made', () => {
    const id = newEventId(Date.parse('2026-12-02T01:00:00Z') + 10_000_000);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-12-02T01:00:00Z') + 10_000_000);
  });

  it('increase within one process, even many to a millisecond and with the clock stepping back', () => {
    const now = Date.parse('2026-12-02T02:00:00Z') + 20_000_000;
    const ids = [
      ...Array.from({ length: 10_000 }, () => newEventId(now)),
      ...Array.from({ length: 100 }, () => newEventId(now - 5_000)),
      newEventId(now + 60_000),
    ];
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
