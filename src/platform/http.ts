import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { AppError, statusOf } from './errors.ts';
import { pickLocale, translate, type Locale } from './i18n/index.ts';
import type { Db } from './db.ts';
import type { Actor } from './scope.ts';

export const SESSION_COOKIE = 'doithe_session';
export const LANG_COOKIE = 'doithe_lang';
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export interface AppContext {
  db: Db;
  pool: pg.Pool;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
    /** What GET /api/session shows of the signed-in user. */
    sessionUser: unknown;
    locale: Locale;
  }
}

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

/**
 * A PDF answer: `inline` opens it in the browser's viewer to print (receipts, slips); `attachment` downloads it.
 * Personal printouts are never cached.
 */
export function sendPdf(reply: FastifyReply, pdf: unknown, filename: string, disposition: 'inline' | 'attachment', options: { noStore?: boolean } = {}) {
  if (options.noStore) reply.header('cache-control', 'no-store');
  reply.header('content-type', 'application/pdf');
  reply.header('content-disposition', `${disposition}; filename="${filename}"`);
  return reply.send(pdf);
}

/** The signed-in actor, or 401. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('auth.unauthenticated');
  return request.actor;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const locale = request.locale ?? 'vi';
  if (error instanceof AppError) {
    return reply.status(statusOf(error.code)).send({
      error: {
        code: error.code,
        message: translate(error.code, error.params, locale),
        issues: error.issues.map((i) => ({ ...i, message: translate(i.code, i.params, locale) })),
      },
    });
  }
  const fastifyError = error as { validation?: unknown[]; statusCode?: number; code?: string; message?: string };
  if (fastifyError.validation) {
    const issues = (fastifyError.validation as { instancePath?: string; message?: string }[]).map((v) => ({
      field: v.instancePath?.replace(/^\//, '') || undefined,
      code: 'validation',
      message: `${translate('validation', {}, locale)} ${v.message ?? ''}`.trim(),
    }));
    return reply.status(400).send({ error: { code: 'validation', message: translate('validation', {}, locale), issues } });
  }
  if (fastifyError.code === 'FST_REQ_FILE_TOO_LARGE' || fastifyError.statusCode === 413) {
    return reply.status(413).send({
      error: { code: 'file.too_large', message: translate('file.too_large', { sizeMb: '>' + MAX_UPLOAD_BYTES / 1048576, limitMb: MAX_UPLOAD_BYTES / 1048576 }, locale), issues: [] },
    });
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return reply.status(fastifyError.statusCode).send({ error: { code: 'validation', message: translate('validation', {}, locale), issues: [] } });
  }
  const correlationId = randomUUID();
  request.log.error({ err: error, correlationId }, 'unhandled error');
  return reply.status(500).send({ error: { code: 'internal', message: translate('internal', { correlationId }, locale), issues: [] } });
}

export interface HttpOptions {
  webDir?: string;
  /** Log lines from this level up (undefined: none). Unhandled errors are `error`, each request `info`. */
  logLevel?: 'info' | 'error';
  /** Resolves a session cookie to the actor and its CSRF token. */
  authenticate(token: string): Promise<{ actor: Actor; csrfToken: string; user: unknown } | undefined>;
}

/** Fastify with the zod type provider, cookies, uploads, errors in the caller's language, sessions and CSRF. */
export async function createHttp(options: HttpOptions): Promise<App> {
  const app = Fastify({
    // No personal data in logs: query strings (IDs, names) and database error details are left out.
    logger: options.logLevel
      ? {
          level: options.logLevel,
          serializers: {
            req: (req) => ({ method: req.method, url: req.url.split('?')[0]!, ip: req.ip }),
            err: (err) => ({
              type: err.name,
              message: err.message,
              stack: err.stack ?? '',
              code: err.code,
              constraint: (err as { constraint?: string }).constraint,
            }),
          },
        }
      : false,
    bodyLimit: 2 * 1024 * 1024,
    // Forwarded headers count only from a reverse proxy on this host; otherwise a client could fake its address.
    trustProxy: 'loopback',
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // OpenAPI from the same zod schemas that validate requests.
  await app.register(swagger, {
    openapi: { info: { title: 'doithe API', description: 'Đổi thẻ đảng viên', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 }, throwFileSizeLimit: true });

  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionUser', null);
  app.decorateRequest('locale', 'vi');
  app.addHook('onRequest', async (request) => {
    request.locale = pickLocale(request.headers['accept-language'], (request.query as Record<string, string> | undefined)?.lang ?? request.cookies[LANG_COOKIE]);
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await options.authenticate(token);
      if (session) {
        request.actor = session.actor;
        request.csrfToken = session.csrfToken;
        request.sessionUser = session.user;
      }
    }
    // Synchroniser token: every state-changing request on a session must echo the session's CSRF token
    // (whatever its path: the router decodes escapes such as /%61pi/ that a prefix test would miss).
    if (request.actor && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      if (request.headers['x-csrf-token'] !== request.csrfToken) throw new AppError('auth.csrf');
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));

  app.get('/api/health', async () => ({ status: 'ok' }));
  app.get('/api/openapi.json', async () => app.swagger());

  const webDir = options.webDir;
  if (webDir && existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, wildcard: true, index: 'index.html' });
    // Client-side routes all serve the app shell.
    app.setNotFoundHandler((request, reply) => {
      // A missing asset (e.g. from a build newer than the page) is a 404, not the app shell.
      const isFile = /\.[a-z0-9]+$/i.test(request.url.split('?')[0]!);
      if (request.url.startsWith('/api/') || request.method !== 'GET' || isFile) return sendError(request, reply, new AppError('route.not_found'));
      return reply.type('text/html').sendFile('index.html');
    });
  } else {
    app.setNotFoundHandler((request, reply) => {
      if (request.url === '/' || !request.url.startsWith('/api/')) {
        return reply.type('text/html').send('<!doctype html><html lang="vi"><meta charset="utf-8"><title>Đổi thẻ đảng viên</title><p>Giao diện chưa được build: chạy <code>npm run build:web</code>.</p></html>');
      }
      return sendError(request, reply, new AppError('route.not_found'));
    });
  }
  return app;
}
