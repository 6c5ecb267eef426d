import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import type { App, AppContext } from '../platform/http.ts';
import { issuerKeys, type KeyRing } from '../cards/key-ring.ts';
import { signKeyList } from '../cards/domain/keys.ts';
import { BATCH_CONTENT_TYPE } from '../sending/domain/batch.ts';
import type { BatchContentStore } from './batch-content.ts';
import { receiveBatch } from './receive.ts';

/**
 * The centre's doors: batches from provinces (authenticated by the manifest's signature, not by a session), and the
 * published issuer key list that receipts and cards are checked against.
 */
const MAX_CONCURRENT_UPLOADS = 4;

export function centreRoutes(app: App, { db, pool }: AppContext, keys: KeyRing, content: BatchContentStore) {
  // The body is read as it streams (a batch is gigabytes): no parsing, no body limit here; receiveBatch frames it.
  app.addContentTypeParser(BATCH_CONTENT_TYPE, (_request, payload, done) => done(null, payload));

  // A few uploads at a time (each holds its entries' data until it commits); more are asked to come back later.
  let uploading = 0;
  app.post('/api/centre/batches/:id', { schema: { params: z.object({ id: z.string().uuid() }) } }, async (request, reply) => {
    if (uploading >= MAX_CONCURRENT_UPLOADS) {
      reply.header('retry-after', '60');
      // Answered before its upload is read: the connection is not kept (unread bytes would start the next request).
      reply.header('connection', 'close');
      throw new AppError('centre.busy');
    }
    uploading++;
    try {
      const received = await receiveBatch(db, pool, keys, content, request.params.id, request.body as AsyncIterable<Buffer>);
      return { receipt: received.receipt.toString('base64'), replay: received.replay };
    } finally {
      uploading--;
    }
  });

  app.get('/api/public/issuer-keys', async (_request, reply) => {
    await keys.issuer(db);
    const list = signKeyList(await issuerKeys(db), new Date().toISOString(), await keys.root());
    reply.header('content-type', 'application/cose');
    reply.header('cache-control', 'no-cache');
    return reply.send(list);
  });

  app.get('/api/public/root-key', async (_request, reply) => {
    reply.header('content-type', 'application/x-pem-file');
    return reply.send(createPublicKey((await keys.root()).privateKey).export({ format: 'pem', type: 'spki' }));
  });
}
