import Fastify from 'fastify';
import { z } from 'zod';
import type { PopulationRegister } from './register.ts';

export interface SimulatorOptions {
  /** Mean added latency per request, ms (±50% jitter). */
  latencyMs: number;
  /** Share of requests that fail: 503, a hang past any sane timeout, or a malformed body. */
  failRate: number;
  random?: () => number;
}

const LookupBody = z.object({ ids: z.array(z.string().regex(/^\d{12}$/)).max(1000) });

/**
 * The national population register as a remote service, for tests and demos: it serves a register over HTTP
 * and misbehaves the way a remote service does (latency, errors, hangs, garbage).
 */
export async function createRegisterSimulator(register: PopulationRegister, options: SimulatorOptions) {
  const random = options.random ?? Math.random;
  const app = Fastify({ logger: false });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  app.addHook('onRequest', async (_request, reply) => {
    await sleep(options.latencyMs * (0.5 + random()));
    if (random() >= options.failRate) return;
    const mode = random();
    if (mode < 0.5) return reply.status(503).send({ error: 'unavailable' });
    if (mode < 0.75) {
      await sleep(30_000);
      return reply.status(504).send({ error: 'timeout' });
    }
    return reply.status(200).header('content-type', 'application/json').send('{"found": [ {"personalId": ');
  });
  app.get('/health', async () => ({ status: 'ok' }));
  app.post('/people/lookup', async (request, reply) => {
    const body = LookupBody.safeParse(request.body);
    if (!body.success) return reply.status(400).send({ error: 'bad_request' });
    const found = await register.lookupMany(body.data.ids);
    return { found: [...found.values()] };
  });
  return app;
}
