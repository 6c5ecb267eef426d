import { z } from 'zod';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import { progressOf } from './service.ts';

export function progressRoutes(app: App, { db }: AppContext) {
  app.get(
    '/api/progress',
    { schema: { querystring: z.object({ organisationId: z.string().regex(/^\d{1,18}$/).optional(), from: z.string().max(10).optional(), to: z.string().max(10).optional() }) } },
    async (request) => progressOf(db, actorOf(request), request.query),
  );
}
