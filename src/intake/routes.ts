import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import type { FileStore } from '../platform/files.ts';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import { IMAGE_LIMITS } from './images.ts';
import { reviewDossier, submitDossier, type Upload } from './service.ts';

/** A photo may be 5 MB (refused with its message by the image check); anything far larger stops at the door. */
const UPLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

const Id = z.string().regex(/^\d{1,18}$/);
const Submission = z.object({
  id: z.uuid(),
  memberId: Id,
  pointId: Id.optional(),
  mobileTeamId: Id.optional(),
  data: z.record(z.string(), z.unknown()),
  steps: z.partialRecord(z.enum(['declaration', 'data_entry', 'photo', 'cross_check', 'signature']), z.object({ at: z.iso.datetime({ offset: true }) })),
  corrections: z.array(z.object({ field: z.string().max(50), old: z.string().max(500).nullable(), new: z.string().max(500).nullable(), at: z.iso.datetime({ offset: true }) })).max(50).optional(),
  qrText: z.string().max(1000).optional(),
  deviceId: z.string().max(100).optional(),
  deviceSubmittedAt: z.iso.datetime({ offset: true }).optional(),
  signatureOnPaper: z.literal(true).optional(),
});

export function intakeRoutes(app: App, { db }: AppContext, files: FileStore, checkPhotoNow: (id: string) => Promise<void>) {
  /**
   * A confirmed dossier as multipart: `submission` (JSON), `photo` and `signature` (image files). 201 when stored,
   * 200 with the original answer when the same submission comes again.
   */
  app.post('/api/dossiers', async (request, reply) => {
    const actor = actorOf(request);
    let submission: unknown;
    const uploads: Record<string, Upload> = {};
    // Two files and one field.
    let current = '';
    try {
      for await (const part of request.parts({ limits: { files: 2, fields: 1, fileSize: UPLOAD_LIMIT_BYTES } })) {
        current = part.fieldname;
        if (part.type === 'file') {
          if (part.fieldname === 'photo' || part.fieldname === 'signature') uploads[part.fieldname] = { content: await part.toBuffer(), mime: part.mimetype };
          else await part.toBuffer();
        } else if (part.fieldname === 'submission') {
          try {
            submission = JSON.parse(String(part.value));
          } catch {
            throw new AppError('validation', {}, [{ field: 'submission', code: 'dossier.submission_json' }]);
          }
        }
      }
    } catch (error) {
      // Stopped at the door: said with the image's own limit and field, not the server's general upload limit.
      if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
      const limitMb = (IMAGE_LIMITS[current === 'signature' ? 'signature' : 'photo'].maxBytes / 1024 / 1024).toString();
      const params = { sizeMb: `> ${UPLOAD_LIMIT_BYTES / 1024 / 1024}`, limitMb };
      throw new AppError('image.too_large', params, [{ field: current, code: 'image.too_large', params }]);
    }
    const parsed = Submission.safeParse(submission);
    if (!parsed.success) throw new AppError('validation', {}, parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'submission', code: 'validation' })));
    // Signed on paper, the signature file is the slip's scan, and optional.
    const missing = (['photo', 'signature'] as const).filter((f) => !uploads[f] && !(f === 'signature' && parsed.data.signatureOnPaper));
    if (missing.length) throw new AppError('validation', {}, missing.map((field) => ({ field, code: 'dossier.file_missing' })));
    const result = await submitDossier(db, actor, files, parsed.data, uploads.photo!, uploads.signature);
    return reply.status(result.replayed ? 200 : 201).send(result);
  });

  app.post(
    '/api/dossiers/:id/review',
    { schema: { params: z.object({ id: z.uuid() }), body: z.union([z.object({ approve: z.literal(true) }), z.object({ approve: z.literal(false), reason: z.string().max(500) })]) } },
    async (request) => reviewDossier(db, actorOf(request), request.params.id, request.body, checkPhotoNow),
  );
}
