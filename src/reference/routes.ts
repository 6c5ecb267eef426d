import { z } from 'zod';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import { PROVINCES } from './provinces.ts';

export function referenceRoutes(app: App, { db }: AppContext) {
  app.get('/api/reference/provinces', async (request) => {
    actorOf(request);
    return PROVINCES.map(({ code, name }) => ({ code, name }));
  });
  app.get('/api/reference/communes', { schema: { querystring: z.object({ provinceCode: z.string().regex(/^\d{2}$/) }) } }, async (request) => {
    actorOf(request);
    return db
      .selectFrom('communes')
      .select(['code', 'name', 'kind'])
      .where('province_code', '=', request.query.provinceCode)
      .orderBy('code')
      .execute();
  });
}
