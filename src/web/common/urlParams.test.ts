import { describe, expect, it } from 'vitest';
import { withChanges } from './urlParams.ts';

describe('withChanges', () => {
  it('sets, removes empty values, and goes back to page 1 unless the page itself changes', () => {
    const before = new URLSearchParams('q=an&status=official&page=3');
    expect(withChanges(before, { q: 'bình', status: '' }).toString()).toBe('q=b%C3%ACnh');
    expect(withChanges(before, { page: '4' }, false).toString()).toBe('q=an&status=official&page=4');
    expect(before.toString()).toBe('q=an&status=official&page=3');
  });
});
