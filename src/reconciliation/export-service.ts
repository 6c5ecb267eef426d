import type { Readable } from 'node:stream';
import { streamed } from '../common/streams.ts';
import { sql } from 'kysely';
import type { Queryable } from '../platform/db.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { getOrganisation } from '../organisations/service.ts';
import { organisationInScope } from '../organisations/scope.ts';
import { listRoots } from '../organisations/store.ts';
import type { FieldDifference } from './domain/compare.ts';
import { writeMismatchWorkbook, type MismatchExportUnit } from './export.ts';

/**
 * The list of members who do not match, for the party organisation to act on: one sheet per unit directly below the
 * chosen one (a commune committee gets a sheet per cell), members sitting in the chosen unit itself on its own sheet.
 */
export async function exportMismatches(db: Queryable, actor: Actor, organisationId: string | undefined, locale: Locale): Promise<Readable> {
  requirePermission(actor, 'member.read');
  const tops = organisationId ? [await getOrganisation(db, actor, organisationId)] : await listRoots(db, actor.scope);
  const byUnit = new Map<string, MismatchExportUnit>();
  for (const top of tops) {
    const rows = await sql<{
      unitId: string;
      unitName: string;
      personalId: string;
      fullName: string;
      status: 'mismatched' | 'not_found' | 'awaiting';
      differences: FieldDifference[];
      checkedAt: Date;
      decision: 'corrected' | 'kept' | 'referred' | null;
      decisionReason: string | null;
    }>`
      SELECT coalesce(g.id, ${top.id}::bigint) AS "unitId", coalesce(g.name, ${top.name}) AS "unitName",
        m.personal_id AS "personalId", m.full_name AS "fullName", rr.status, rr.differences, rr.checked_at AS "checkedAt",
        rr.decision, rr.decision_reason AS "decisionReason"
      FROM reconciliation_results rr
      JOIN members m ON m.id = rr.member_id
      JOIN organisations o ON o.id = m.organisation_id
      LEFT JOIN organisations g ON g.id = nullif(split_part(substr(o.path, length(${top.path}) + 1), '/', 1), '')::bigint
      WHERE rr.status <> 'matched' AND o.path COLLATE "C" LIKE ${top.path + '%'} AND ${organisationInScope(actor.scope, 'o')}
      ORDER BY coalesce(g.name, ${top.name}) COLLATE "vi-x-icu", 1, m.sort_key, m.id`.execute(db);
    for (const { unitId, unitName, ...member } of rows.rows) {
      let unit = byUnit.get(unitId);
      if (!unit) byUnit.set(unitId, (unit = { name: unitName, rows: [] }));
      unit.rows.push(member);
    }
  }
  const units = [...byUnit.values()];
  await appendAudit(db, actor, {
    action: 'reconciliation.export',
    entity: 'organisation',
    entityId: organisationId ?? null,
    details: { units: units.length, members: units.reduce((n, u) => n + u.rows.length, 0) },
  });
  return streamed((out) => writeMismatchWorkbook(units, out, locale));
}
