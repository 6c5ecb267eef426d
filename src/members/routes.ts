import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, type Issue } from '../platform/errors.ts';
import { translate, type Locale } from '../platform/i18n/index.ts';
import { actorOf, type App, type AppContext } from '../platform/http.ts';
import { requirePermission } from '../platform/permissions.ts';
import { importMembers, type ImportReport } from './import.ts';
import { getMember, searchMembers, updateMember } from './service.ts';

const Id = z.string().regex(/^\d{1,18}$/);
const Status = z.enum(['official', 'probationary', 'moved_out', 'deceased', 'left']);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const UPLOAD_TTL_HOURS = 24;

function translateIssues(issues: Issue[], locale: Locale) {
  return issues.map((i) => ({ ...i, message: translate(i.code, i.params, locale) }));
}

/** The report as the web shows it: every issue with its message, the accepted members left out (only counts matter there). */
function reportView(report: ImportReport, locale: Locale, uploadId?: string) {
  return {
    uploadId,
    fileName: report.fileName,
    rows: report.rows,
    accepted: report.accepted,
    skipped: report.skipped,
    rejected: report.rejected.map((r) => ({ row: r.row, errors: translateIssues(r.errors, locale) })),
    records: report.records.map((r) => ({ ...r, errors: translateIssues(r.errors, locale) })),
    columns: report.columns,
    committed: report.committed,
    createdOrganisations: report.createdOrganisations,
  };
}

const ImportOptionsFields = z.object({
  organisationId: Id.optional(),
  provinceCode: z.string().regex(/^\d{2}$/).optional(),
  cell: z.string().max(200).optional(),
  createOrgs: z.boolean().optional(),
});

export function memberRoutes(app: App, { db, pool }: AppContext) {
  app.get(
    '/api/members',
    {
      schema: {
        querystring: z.object({
          q: z.string().max(100).optional(),
          exact: bool.optional(),
          organisationId: Id.optional(),
          status: Status.optional(),
          eligible: bool.optional(),
          needsHomeVisit: bool.optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => searchMembers(db, actorOf(request), request.query),
  );

  app.get('/api/members/:id', { schema: { params: z.object({ id: Id }) } }, async (request) => getMember(db, actorOf(request), request.params.id));

  const text = z.string().max(500).nullable();
  app.patch(
    '/api/members/:id',
    {
      schema: {
        params: z.object({ id: Id }),
        body: z.object({
          version: z.number().int(),
          personalId: z.string().max(20).nullable().optional(),
          fullName: z.string().max(200).optional(),
          dateOfBirth: text.optional(),
          birthYear: z.number().int().min(1880).max(2100).nullable().optional(),
          gender: z.enum(['male', 'female']).nullable().optional(),
          hometown: text.optional(),
          permanentAddress: text.optional(),
          temporaryAddress: text.optional(),
          ethnicity: text.optional(),
          admittedOn: text.optional(),
          officialOn: text.optional(),
          partyCardNumber: text.optional(),
          recordNumber: text.optional(),
          status: Status.optional(),
          phone: text.optional(),
          needsHomeVisit: z.boolean().optional(),
          organisationId: Id.optional(),
        }),
      },
    },
    async (request) => {
      const { needsHomeVisit, birthYear, ...rest } = request.body;
      // A birth date known only by its year comes as { dateOfBirth: null, birthYear }.
      const dateOfBirth = rest.dateOfBirth === null && typeof birthYear === 'number' ? String(birthYear) : rest.dateOfBirth;
      return updateMember(db, actorOf(request), request.params.id, {
        ...rest,
        ...(dateOfBirth !== undefined ? { dateOfBirth } : {}),
        ...(needsHomeVisit !== undefined ? { needsHomeVisit: needsHomeVisit ? 'x' : '' } : {}),
      });
    },
  );

  app.post('/api/imports/members/preview', async (request) => {
    const actor = actorOf(request);
    requirePermission(actor, 'member.import');
    const file = await request.file();
    if (!file) throw new AppError('file.unreadable');
    const content = await file.toBuffer();
    const fields = Object.fromEntries(
      Object.entries(file.fields).flatMap(([key, field]) => (field && 'value' in field ? [[key, String(field.value)]] : [])),
    );
    const parsed = ImportOptionsFields.safeParse({
      organisationId: fields.organisationId || undefined,
      provinceCode: fields.provinceCode || undefined,
      cell: fields.cell || undefined,
      createOrgs: fields.createOrgs === 'true',
    });
    if (!parsed.success) {
      throw new AppError('validation', {}, parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: 'validation' })));
    }
    const options = parsed.data;
    const report = await importMembers(db, pool, actor, { buffer: content, name: file.filename }, { ...options, dryRun: true });
    const uploadId = randomUUID();
    await db.deleteFrom('import_uploads').where('created_at', '<', new Date(Date.now() - UPLOAD_TTL_HOURS * 3600_000)).execute();
    await db
      .insertInto('import_uploads')
      .values({ id: uploadId, user_id: actor.userId!, file_name: file.filename, content, options: JSON.stringify(options) })
      .execute();
    return reportView(report, request.locale, uploadId);
  });

  app.post(
    '/api/imports/members/commit',
    {
      schema: {
        body: z.object({
          uploadId: z.uuid(),
          fixes: z.array(z.object({ row: z.number().int().positive(), values: z.record(z.string(), z.string().max(500)) })).max(100_000).default([]),
          skipRows: z.array(z.number().int().positive()).max(300_000).default([]),
        }),
      },
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'member.import');
      const upload = await db
        .selectFrom('import_uploads')
        .selectAll()
        .where('id', '=', request.body.uploadId)
        .where('user_id', '=', actor.userId!)
        .executeTakeFirst();
      if (!upload) throw new AppError('import.upload_not_found');
      const options = ImportOptionsFields.parse(upload.options);
      const report = await importMembers(
        db,
        pool,
        actor,
        { buffer: upload.content, name: upload.file_name },
        {
          ...options,
          fixes: new Map(request.body.fixes.map((f) => [f.row, f.values])),
          skipRows: new Set(request.body.skipRows),
          allOrNothing: true,
        },
      );
      if (report.rejected.length > 0) {
        throw new AppError(
          'import.has_rejected',
          { count: report.rejected.length },
          report.rejected.flatMap((r) => r.errors.map((e) => ({ ...e, row: r.row }))),
        );
      }
      await db.deleteFrom('import_uploads').where('id', '=', upload.id).execute();
      return reportView(report, request.locale);
    },
  );
}
