import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { actorOf, SESSION_COOKIE, type App, type AppContext } from '../platform/http.ts';
import { AttemptWindow } from './domain/lockout.ts';
import { ROLES } from '../platform/permissions.ts';
import { addUser, listUsers, login, logout, SESSION_HOURS, updateUser } from './service.ts';

const Role = z.enum(ROLES as [string, ...string[]]).transform((r) => r as (typeof ROLES)[number]);
const Id = z.string().regex(/^\d{1,18}$/);
const ScopeFields = {
  organisationId: Id.nullish(),
  provinceCode: z.string().regex(/^\d{2}$/).nullish(),
  communeCode: z.string().regex(/^\d{5}$/).nullish(),
};

export function userRoutes(app: App, { db }: AppContext) {
  const perClient = new AttemptWindow(30, 60_000);

  app.get('/api/session', async (request) => {
    if (!request.actor) throw new AppError('auth.unauthenticated');
    return { user: request.sessionUser, csrfToken: request.csrfToken };
  });

  app.post('/api/session', { schema: { body: z.object({ username: z.string().max(100), password: z.string().max(200) }) } }, async (request, reply) => {
    if (!perClient.allow(request.ip)) throw new AppError('auth.rate_limited');
    const signedIn = await login(db, request.body.username, request.body.password, request.ip);
    reply.setCookie(SESSION_COOKIE, signedIn.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      // Secure whenever the browser reached us over HTTPS (directly or through a proxy that says so).
      secure: request.protocol === 'https',
      maxAge: SESSION_HOURS * 3600,
    });
    return { user: signedIn.user, csrfToken: signedIn.csrfToken };
  });

  app.delete('/api/session', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token && request.actor) await logout(db, token, request.actor);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/users', async (request) => listUsers(db, actorOf(request)));

  app.post(
    '/api/users',
    { schema: { body: z.object({ username: z.string(), fullName: z.string().max(100), password: z.string().max(200), role: Role, ...ScopeFields }) } },
    async (request, reply) => reply.status(201).send(await addUser(db, actorOf(request), request.body)),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        params: z.object({ id: Id }),
        body: z.object({ fullName: z.string().max(100).optional(), password: z.string().max(200).optional(), role: Role.optional(), disabled: z.boolean().optional(), ...ScopeFields }),
      },
    },
    async (request) => updateUser(db, actorOf(request), request.params.id, request.body),
  );
}
