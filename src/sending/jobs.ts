/**
 * Sending runs as a job (pg-boss): a batch is sent, and tried again with growing delays while the centre cannot be
 * reached; a refusal ends the job (the batch keeps the centre's message). A job survives a restart of the server.
 */
import type { Db } from '../platform/db.ts';
import type { FileStore } from '../platform/files.ts';
import type { Jobs } from '../platform/jobs.ts';
import type { KeyRing } from '../cards/key-ring.ts';
import { enrolLocalProvince, sendBatch, SendError, type CentreLink } from './service.ts';

export const SEND_QUEUE = 'send-batch';

export interface SendingSettings {
  keys: KeyRing;
  files: FileStore;
  centre: CentreLink;
  /** The centre runs in this process (the one-machine default): provinces' keys are enrolled there directly. */
  centreIsLocal: boolean;
  pollingIntervalSeconds?: number;
  /** Seconds before the first retry (doubling after); 10 by default. */
  retryDelaySeconds?: number;
}

export async function startSendingWorker(jobs: Jobs, db: Db, settings: SendingSettings): Promise<void> {
  await jobs.createQueue(SEND_QUEUE);
  await jobs.work<{ batchId: string }>(SEND_QUEUE, { batchSize: 1, ...(settings.pollingIntervalSeconds ? { pollingIntervalSeconds: settings.pollingIntervalSeconds } : {}) }, async ([job]) => {
    const { batchId } = job!.data;
    if (settings.centreIsLocal) {
      const batch = await db.selectFrom('send_batches').select('province_code').where('id', '=', batchId).executeTakeFirst();
      if (batch) await enrolLocalProvince(db, settings.keys, batch.province_code);
    }
    try {
      await sendBatch(db, settings.keys, settings.files, settings.centre, batchId);
    } catch (error) {
      if (error instanceof SendError && error.final) return;
      throw error;
    }
  });
}

export async function enqueueSend(jobs: Jobs, batchId: string, settings: Pick<SendingSettings, 'retryDelaySeconds'> = {}): Promise<void> {
  // A batch of gigabytes over a slow line takes long: the job expires (and is retried) only after four hours.
  await jobs.send(SEND_QUEUE, { batchId }, { retryLimit: 30, retryDelay: settings.retryDelaySeconds ?? 10, retryBackoff: true, expireInSeconds: 4 * 3600 });
}
