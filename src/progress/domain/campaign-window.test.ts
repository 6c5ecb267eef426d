import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaignWindow, type CampaignSpan } from './campaign-window.ts';

const province: CampaignSpan = { path: '/1/', startDate: '2026-12-01', deadline: '2027-01-31', holidays: ['2027-01-01'] };
const commune: CampaignSpan = { path: '/1/7/', startDate: '2026-12-10', deadline: '2027-01-15', holidays: [] };
const other: CampaignSpan = { path: '/2/', startDate: '2026-11-20', deadline: '2027-02-28', holidays: ['2027-02-16'] };

describe('campaignWindow', () => {
  it('follows the nearest enclosing campaign', () => {
    expect(campaignWindow('/1/7/40/', [province, commune, other])).toEqual({ startDate: '2026-12-10', deadline: '2027-01-15', holidays: [] });
    expect(campaignWindow('/1/8/', [province, commune, other])).toEqual({ startDate: '2026-12-01', deadline: '2027-01-31', holidays: ['2027-01-01'] });
  });

  it('spans the campaigns below a unit above them: earliest start, latest deadline, every holiday', () => {
    expect(campaignWindow('/', [province, other])).toEqual({ startDate: '2026-11-20', deadline: '2027-02-28', holidays: ['2027-01-01', '2027-02-16'] });
  });

  it('has nothing to measure against without a campaign, and ignores campaigns of other branches', () => {
    expect(campaignWindow('/3/', [province, other])).toBeNull();
    // "/1/" is not a prefix of "/10/": paths end with a slash.
    expect(campaignWindow('/10/', [province])).toBeNull();
  });

  it('never ends before the deadline of any campaign it covers', () => {
    const span = fc.record({
      path: fc.constantFrom('/1/', '/1/7/', '/1/8/', '/2/', '/2/9/'),
      startDate: fc.constantFrom('2026-11-01', '2026-12-01'),
      deadline: fc.constantFrom('2027-01-01', '2027-02-01', '2027-03-01'),
      holidays: fc.constant([] as string[]),
    });
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 6 }), fc.constantFrom('/', '/1/', '/2/'), (spans, unit) => {
        const window = campaignWindow(unit, spans);
        const covered = spans.filter((s) => s.path.startsWith(unit));
        const enclosing = spans.some((s) => unit.startsWith(s.path));
        if (!enclosing) for (const s of covered) expect(window!.deadline >= s.deadline).toBe(true);
      }),
    );
  });
});
