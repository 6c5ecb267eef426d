import { describe, expect, it } from 'vitest';
import { diffSegments, segmentsText } from './diffText.ts';

const changed = (segments: { text: string; changed: boolean }[]) => segments.filter((s) => s.changed).map((s) => s.text);

describe('diffSegments', () => {
  it('highlights the letters that differ and keeps each side spelling its own value', () => {
    const view = diffSegments('Nguyễn Văn An', 'Nguyễn Văn Ân');
    expect(segmentsText(view.party)).toBe('Nguyễn Văn An');
    expect(segmentsText(view.population)).toBe('Nguyễn Văn Ân');
    expect(changed(view.party)).toEqual(['A']);
    expect(changed(view.population)).toEqual(['Â']);
  });

  it('compares in NFC: a decomposed value is not a difference, whole letters are highlighted', () => {
    const decomposed = 'Trần Thị Hòa'.normalize('NFD');
    const same = diffSegments(decomposed, 'Trần Thị Hòa');
    expect(changed(same.party)).toEqual([]);
    expect(changed(same.population)).toEqual([]);
    expect(segmentsText(same.party)).toBe('Trần Thị Hòa');
    // Hòa / Hoà: the tone sits on another vowel; both letters show (never a lone combining mark)
    const moved = diffSegments('Trần Thị Hòa', 'Trần Thị Hoà'.normalize('NFD'));
    expect(changed(moved.party).join('')).toContain('ò');
    expect(changed(moved.population).join('')).toContain('à');
    for (const segment of [...moved.party, ...moved.population]) expect(segment.text).toBe(segment.text.normalize('NFC'));
  });

  it('shows a swapped day and month in dd/mm/yyyy', () => {
    const view = diffSegments('10/01/1958', '01/10/1958', 'date');
    expect(view.party).toEqual([
      { text: '10', changed: true },
      { text: '/', changed: false },
      { text: '01', changed: true },
      { text: '/1958', changed: false },
    ]);
    expect(segmentsText(view.population)).toBe('01/10/1958');
  });

  it('shows the one wrong digit of a date', () => {
    const view = diffSegments('10/10/1958', '10/10/1959', 'date');
    expect(changed(view.party)).toEqual(['8']);
    expect(changed(view.population)).toEqual(['9']);
    // the fixture's Phạm Văn Bắc: 10/10/1958 in the party record, 01/10/1958 in the register
    expect(changed(diffSegments('10/10/1958', '01/10/1958', 'date').party)).toEqual(['10']);
  });

  it('marks a bare year against a full date as the missing day and month', () => {
    const view = diffSegments('1958', '10/10/1958', 'date');
    expect(changed(view.party)).toEqual([]);
    expect(changed(view.population)).toEqual(['10/10/']);
    const otherYear = diffSegments('1957', '10/10/1958', 'date');
    expect(changed(otherYear.party)).toEqual(['7']);
    expect(changed(otherYear.population)).toEqual(['10/10/', '8']);
  });

  it('falls back to characters when a date is not in a known shape', () => {
    const view = diffSegments('1958', 'không rõ', 'date');
    expect(segmentsText(view.party)).toBe('1958');
    expect(segmentsText(view.population)).toBe('không rõ');
  });

  it('compares addresses word by word', () => {
    const view = diffSegments('Xã Thử Một, tỉnh Lâm Đồng', 'Phường Thử Hai, tỉnh Lâm Đồng', 'words');
    expect(changed(view.party)).toEqual(['Xã', 'Một']);
    expect(changed(view.population)).toEqual(['Phường', 'Hai']);
  });

  it('highlights a whole value when asked, or when the other side is empty', () => {
    expect(diffSegments('Nam', 'Nữ', 'whole')).toEqual({ party: [{ text: 'Nam', changed: true }], population: [{ text: 'Nữ', changed: true }] });
    expect(diffSegments('', 'Thôn Một')).toEqual({ party: [], population: [{ text: 'Thôn Một', changed: true }] });
    expect(diffSegments('Nam', 'Nam', 'whole')).toEqual({ party: [{ text: 'Nam', changed: false }], population: [{ text: 'Nam', changed: false }] });
  });
});
