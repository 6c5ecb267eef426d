import { describe, expect, it } from 'vitest';
import { can, ROLES } from '../../platform/permissions.ts';
import { canReadProgress } from './permissions.ts';

describe('progress permissions in the UI', () => {
  it('show the dashboards to exactly the roles the server lets read progress', () => {
    for (const role of ROLES) expect(canReadProgress(role), role).toBe(can({ userId: null, username: 'x', role, scope: { all: true } }, 'progress.read'));
  });
});
