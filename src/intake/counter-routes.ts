import { z } from 'zod';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import { AppError } from '../platform/errors.ts';
import { parsePersonalId } from '../members/domain/personal-id.ts';
import { counterDay, counterKey, counterMember, counterStations } from './counter.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const DayQuery = z.union([
  z.object({ pointId: Id, date: z.iso.date() }),
  z.object({ mobileTeamId: Id, date: z.iso.date() }),
]);

/** What the counter downloads ahead: where it works, the day's list, walk-ins by ID, and its device key. */
export function counterRoutes(app: App, { db }: AppContext) {
  app.get('/api/intake/stations', async (request) => counterStations(db, actorOf(request)));
  app.get('/api/intake/day', { schema: { querystring: DayQuery } }, async (request, reply) => {
    const { date, ...station } = request.query;
    reply.header('Cache-Control', 'no-store');
    return counterDay(db, actorOf(request), station, date);
  });
  // The ID goes in the query string: paths are logged, query strings are not.
  app.get('/api/intake/member', { schema: { querystring: z.object({ personalId: z.string().max(40) }) } }, async (request, reply) => {
    const parsed = parsePersonalId(request.query.personalId);
    if (!parsed.ok) throw new AppError('validation', {}, [{ field: 'personalId', code: parsed.problem }]);
    reply.header('Cache-Control', 'no-store');
    return counterMember(db, actorOf(request), parsed.value);
  });
  app.get('/api/intake/key', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return { key: await counterKey(db, actorOf(request)) };
  });
}
