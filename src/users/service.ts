import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { preparedLookup, type Db, type Queryable } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission, ROLES } from '../platform/permissions.ts';
import type { Role } from '../platform/schema.ts';
import type { Actor, Scope } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { cleanText } from '../common/text.ts';
import { findProvince } from '../reference/provinces.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { DUMMY_HASH, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './domain/password.ts';
import { LOCK_MINUTES, lockAfterFailure } from './domain/lockout.ts';

export const SESSION_HOURS = 12;

export interface UserView {
  id: string;
  username: string;
  fullName: string;
  role: Role;
  scope: { all: boolean; organisationId?: string; organisationName?: string; provinceCode?: string; communeCode?: string };
  locked: boolean;
  disabled: boolean;
}

interface UserRow {
  id: string;
  username: string;
  full_name: string;
  role: Role;
  scope_organisation_id: string | null;
  scope_province_code: string | null;
  scope_commune_code: string | null;
  locked_until: Date | null;
  disabled: boolean;
}

/** The user's scope; `unit` is their scope's unit when the caller has read it already. */
async function resolveScope(db: Queryable, user: UserRow, unit?: { path: string; name: string }): Promise<{ scope: Scope; view: UserView['scope'] }> {
  if (user.role === 'central_admin' && !user.scope_organisation_id && !user.scope_province_code && !user.scope_commune_code) {
    return { scope: { all: true }, view: { all: true } };
  }
  const scope: Scope = { all: false };
  const view: UserView['scope'] = { all: false };
  if (user.scope_organisation_id) {
    unit ??= await db.selectFrom('organisations').select(['path', 'name']).where('id', '=', user.scope_organisation_id).executeTakeFirst();
    // A deleted scope unit must not widen the scope: keep an impossible path.
    scope.organisationPath = unit?.path ?? '/none/';
    view.organisationId = user.scope_organisation_id;
    if (unit) view.organisationName = unit.name;
  }
  if (user.scope_province_code) scope.provinceCode = view.provinceCode = user.scope_province_code;
  if (user.scope_commune_code) scope.communeCode = view.communeCode = user.scope_commune_code;
  return { scope, view };
}

function userView(u: UserRow, scope: UserView['scope']): UserView {
  return {
    id: u.id,
    username: u.username,
    fullName: u.full_name,
    role: u.role,
    scope,
    locked: u.locked_until !== null && u.locked_until > new Date(),
    disabled: u.disabled,
  };
}

async function toView(db: Queryable, u: UserRow): Promise<UserView> {
  return userView(u, (await resolveScope(db, u)).view);
}

const userColumns = ['id', 'username', 'full_name', 'role', 'scope_organisation_id', 'scope_province_code', 'scope_commune_code', 'locked_until', 'disabled'] as const;

export interface UserInput {
  username: string;
  fullName: string;
  password: string;
  role: Role;
  organisationId?: string | null;
  provinceCode?: string | null;
  communeCode?: string | null;
}

type GrantedScope = Pick<UserInput, 'organisationId' | 'provinceCode' | 'communeCode'>;

/**
 * The scope a user is given: real units and places, and never wider than the granting actor's own —
 * every bound the actor has is kept (equal or narrower) in what it grants.
 */
async function grantedScope(db: Queryable, actor: Actor, role: Role, input: GrantedScope): Promise<GrantedScope> {
  const scope = { organisationId: input.organisationId ?? null, provinceCode: input.provinceCode ?? null, communeCode: input.communeCode ?? null };
  if (!actor.scope.all) {
    if (role === 'central_admin') throw new AppError('auth.forbidden');
    if (actor.scope.organisationPath && !scope.organisationId) throw new AppError('auth.forbidden');
    for (const bound of ['provinceCode', 'communeCode'] as const) {
      const own = actor.scope[bound];
      if (!own) continue;
      if (scope[bound] && scope[bound] !== own) throw new AppError('auth.forbidden');
      scope[bound] = own;
    }
  }
  if (!scope.organisationId && !scope.provinceCode && !scope.communeCode && role !== 'central_admin') throw new AppError('user.scope_required');
  if (scope.provinceCode && !findProvince(scope.provinceCode)) throw new AppError('reference.province_unknown', { code: scope.provinceCode });
  if (scope.communeCode) {
    const commune = await db.selectFrom('communes').select('province_code').where('code', '=', scope.communeCode).executeTakeFirst();
    if (!commune) throw new AppError('reference.commune_unknown', { code: scope.communeCode });
    if (scope.provinceCode && commune.province_code !== scope.provinceCode) throw new AppError('reference.commune_unknown', { code: scope.communeCode });
  }
  if (scope.organisationId) {
    const visible = await db
      .selectFrom('organisations as o')
      .select('o.id')
      .where('o.id', '=', scope.organisationId)
      .where(organisationInScope(actor.scope, 'o'))
      .executeTakeFirst();
    if (!visible) throw new AppError('organisation.not_found', { id: scope.organisationId });
  }
  return scope;
}

export async function addUser(db: Db, actor: Actor, input: UserInput): Promise<UserView> {
  requirePermission(actor, 'user.manage');
  const username = cleanText(input.username).toLowerCase();
  if (!/^[a-z0-9._-]{3,40}$/.test(username)) throw new AppError('user.username_shape');
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new AppError('auth.weak_password', { min: MIN_PASSWORD_LENGTH });
  if (!ROLES.includes(input.role)) throw new AppError('user.role_unknown', { role: input.role });
  return db.transaction().execute(async (trx) => {
    const scope = await grantedScope(trx, actor, input.role, input);
    const exists = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (exists) throw new AppError('user.duplicate', { username });
    const row = await trx
      .insertInto('users')
      .values({
        username,
        full_name: cleanText(input.fullName) || username,
        password_hash: await hashPassword(input.password),
        role: input.role,
        scope_organisation_id: scope.organisationId ?? null,
        scope_province_code: scope.provinceCode ?? null,
        scope_commune_code: scope.communeCode ?? null,
      })
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    await appendAudit(trx, actor, { action: 'user.create', entity: 'user', entityId: row.id, details: { username, role: input.role } });
    return toView(trx, row);
  });
}

/** Users the actor may manage: those whose scope lies inside the actor's. */
function managedUsers(db: Queryable, actor: Actor) {
  let qb = db.selectFrom('users as u').select(userColumns.map((c) => `u.${c}` as const));
  if (!actor.scope.all) {
    qb = qb.where((eb) =>
      eb.or([
        eb('u.scope_organisation_id', 'in', eb.selectFrom('organisations as o').select('o.id').where(organisationInScope(actor.scope, 'o'))),
        ...(actor.scope.provinceCode && !actor.scope.organisationPath
          ? [eb.and([eb('u.scope_organisation_id', 'is', null), eb('u.scope_province_code', '=', actor.scope.provinceCode)])]
          : []),
      ]),
    );
  }
  return qb;
}

export async function listUsers(db: Queryable, actor: Actor): Promise<UserView[]> {
  requirePermission(actor, 'user.manage');
  const rows = await managedUsers(db, actor).orderBy('u.username').execute();
  return Promise.all(rows.map((r) => toView(db, r)));
}

export async function updateUser(db: Db, actor: Actor, id: string, patch: Partial<UserInput> & { disabled?: boolean }): Promise<UserView> {
  requirePermission(actor, 'user.manage');
  const view = await db.transaction().execute(async (trx) => {
    if (!(await managedUsers(trx, actor).where('u.id', '=', id).executeTakeFirst())) throw new AppError('user.not_found', { id });
    const current = await trx.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirstOrThrow();
    const role = patch.role ?? current.role;
    const scopeChanged = patch.role !== undefined || 'organisationId' in patch || 'provinceCode' in patch || 'communeCode' in patch;
    const requested = {
      organisationId: 'organisationId' in patch ? patch.organisationId ?? null : current.scope_organisation_id,
      provinceCode: 'provinceCode' in patch ? patch.provinceCode ?? null : current.scope_province_code,
      communeCode: 'communeCode' in patch ? patch.communeCode ?? null : current.scope_commune_code,
    };
    const next = scopeChanged ? await grantedScope(trx, actor, role, requested) : requested;
    if (patch.password !== undefined && patch.password.length < MIN_PASSWORD_LENGTH) throw new AppError('auth.weak_password', { min: MIN_PASSWORD_LENGTH });
    const row = await trx
      .updateTable('users')
      .set({
        full_name: patch.fullName !== undefined ? cleanText(patch.fullName) : current.full_name,
        role,
        scope_organisation_id: next.organisationId ?? null,
        scope_province_code: next.provinceCode ?? null,
        scope_commune_code: next.communeCode ?? null,
        disabled: patch.disabled ?? current.disabled,
        ...(patch.password !== undefined ? { password_hash: await hashPassword(patch.password), failed_logins: 0, locked_until: null } : {}),
      })
      .where('id', '=', id)
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    if (patch.password !== undefined || patch.disabled) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await appendAudit(trx, actor, {
      action: 'user.update',
      entity: 'user',
      entityId: id,
      details: { fields: Object.keys(patch).filter((k) => k !== 'password').concat(patch.password !== undefined ? ['password'] : []) },
    });
    return toView(trx, row);
  });
  // Role, scope, name, password or access: whatever changed, the user's next request reads it (the id as stored: the
  // route takes "007" for 7).
  userChanged(view.id);
  return view;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SignedIn {
  token: string;
  csrfToken: string;
  user: UserView;
  actor: Actor;
}

/** Checks a password with lockout; every attempt is audited. Unknown users cost the same time as known ones. */
export async function login(db: Db, username: string, password: string, client: string): Promise<SignedIn> {
  const name = cleanText(username).toLowerCase();
  const user = await db.selectFrom('users').select([...userColumns, 'password_hash', 'failed_logins']).where('username', '=', name).executeTakeFirst();
  const now = new Date();
  const anonymous: Actor = { userId: null, username: name.slice(0, 60) || '?', role: 'inspector', scope: { all: false } };
  if (user?.locked_until && user.locked_until > now) {
    await appendAudit(db, anonymous, { action: 'auth.login_locked', entity: 'user', entityId: user.id, details: { client } });
    throw new AppError('auth.locked', { minutes: Math.ceil((user.locked_until.getTime() - now.getTime()) / 60000) });
  }
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) {
    let lockedNow: Date | null = null;
    await db.transaction().execute(async (trx) => {
      if (user) {
        // Counted in the database: parallel wrong guesses must each count.
        const { failed_logins: failures } = await trx
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', user.id)
          .returning('failed_logins')
          .executeTakeFirstOrThrow();
        lockedNow = lockAfterFailure(failures, now);
        if (lockedNow) await trx.updateTable('users').set({ locked_until: lockedNow }).where('id', '=', user.id).execute();
      }
      await appendAudit(trx, anonymous, { action: 'auth.login_failed', entity: 'user', entityId: user?.id ?? null, details: { client } });
    });
    if (lockedNow) throw new AppError('auth.locked', { minutes: LOCK_MINUTES });
    throw new AppError('auth.bad_credentials');
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const { scope } = await resolveScope(db, user);
  const actor: Actor = { userId: user.id, username: user.username, role: user.role, scope };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    await trx.deleteFrom('sessions').where('expires_at', '<', now).execute();
    await trx
      .insertInto('sessions')
      .values({ token_hash: tokenHash(token), user_id: user.id, csrf_token: csrfToken, expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000) })
      .execute();
    await appendAudit(trx, actor, { action: 'auth.login', entity: 'user', entityId: user.id, details: { client } });
  });
  return { token, csrfToken, user: await toView(db, user), actor };
}

const sessionByToken = preparedLookup((db, { tokenHash }: Record<'tokenHash', string>) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    // The scope's unit in the same look-up: every request of a user scoped to a unit needs its path.
    .leftJoin('organisations as unit', 'unit.id', 'u.scope_organisation_id')
    .select([...userColumns.map((c) => `u.${c}` as const), 's.csrf_token', 's.expires_at', 'unit.path as unit_path', 'unit.name as unit_name'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled', '=', false),
);

type Session = { actor: Actor; user: UserView; csrfToken: string };

/**
 * Sessions looked up in the last second, by token hash. Every request looked its session up again: a round trip to
 * PostgreSQL that cost a counter's submission as much as its member look-up. A change this process makes (a logout, a
 * user changed, disabled or given a new password) is seen at once: a session read before its user's last change is not
 * used. One made elsewhere (another server process, the CLI) is seen within the second.
 */
const SESSION_CACHE_MS = 1000;
const recentSessions = new Map<string, { session: Session; readAt: number; until: number }>();
const userChangedAt = new Map<string, number>();

/** After a change to a user (or their session) has committed: their cached sessions are not used again. */
function userChanged(userId: string | null) {
  if (userId === null) return;
  userChangedAt.set(userId, performance.now());
  for (const [key, cached] of recentSessions) if (cached.session.actor.userId === userId) recentSessions.delete(key);
}

function remember(key: string, session: Session, readAt: number, expiresAt: Date) {
  const now = performance.now();
  if (recentSessions.size >= 10_000) {
    for (const [k, cached] of recentSessions) if (cached.until <= now) recentSessions.delete(k);
    for (const [id, at] of userChangedAt) if (at <= now - SESSION_CACHE_MS) userChangedAt.delete(id);
  }
  recentSessions.set(key, { session, readAt, until: Math.min(readAt + SESSION_CACHE_MS, now + (expiresAt.getTime() - Date.now())) });
}

export async function sessionFor(db: Queryable, token: string): Promise<Session | undefined> {
  const key = tokenHash(token);
  const cached = recentSessions.get(key);
  if (cached && cached.until > performance.now() && cached.readAt > (userChangedAt.get(cached.session.actor.userId!) ?? -Infinity)) return cached.session;
  const readAt = performance.now();
  const row = await sessionByToken(db, { tokenHash: key });
  if (!row) return undefined;
  // One scope serves the actor and the view.
  const { scope, view } = await resolveScope(db, row, row.unit_path === null ? undefined : { path: row.unit_path, name: row.unit_name! });
  const session = { actor: { userId: row.id, username: row.username, role: row.role, scope }, user: userView(row, view), csrfToken: row.csrf_token };
  remember(key, session, readAt, row.expires_at);
  return session;
}

export async function logout(db: Db, token: string, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
    await appendAudit(trx, actor, { action: 'auth.logout', entity: 'user', entityId: actor.userId });
  });
  userChanged(actor.userId);
}
