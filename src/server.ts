import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttp, type App, type AppContext } from './platform/http.ts';
import { memberRoutes } from './members/routes.ts';
import { organisationRoutes } from './organisations/routes.ts';
import { referenceRoutes } from './reference/routes.ts';
import { userRoutes } from './users/routes.ts';
import { sessionFor } from './users/service.ts';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/web');

/** The whole HTTP API and the built web UI over one database. */
export async function buildServer(ctx: AppContext, options: { logger?: boolean; webDir?: string } = {}): Promise<App> {
  const app = await createHttp({ logger: options.logger, webDir: options.webDir ?? WEB_DIR, authenticate: (token) => sessionFor(ctx.db, token) });
  userRoutes(app, ctx);
  organisationRoutes(app, ctx);
  memberRoutes(app, ctx);
  referenceRoutes(app, ctx);
  return app;
}
