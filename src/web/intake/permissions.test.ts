import { describe, expect, it } from 'vitest';
import { can, ROLES } from '../../platform/permissions.ts';
import { canCapture } from './permissions.ts';

describe('intake permissions in the UI', () => {
  it('show the counter to exactly the roles the server lets capture dossiers', () => {
    for (const role of ROLES) expect(canCapture(role), role).toBe(can({ userId: null, username: 'x', role, scope: { all: true } }, 'intake.capture'));
  });
});
