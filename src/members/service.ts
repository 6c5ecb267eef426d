import { inTransaction, type Db, type Queryable, type Tx } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { appendAudit } from '../audit/store.ts';
import { todayInVietnam } from '../common/dates.ts';
import { getOrganisation } from '../organisations/service.ts';
import { holdsMembers } from '../organisations/domain.ts';
import type { MemberField } from './domain/fields.ts';
import { validateMember, type RawValues } from './domain/validate.ts';
import { parsePersonalId } from './domain/personal-id.ts';
import * as store from './store.ts';
import type { Member, MemberQuery } from './store.ts';

export interface SearchInput extends Omit<MemberQuery, 'organisationPath'> {
  organisationId?: string;
}

export async function searchMembers(db: Queryable, actor: Actor, input: SearchInput) {
  requirePermission(actor, 'member.read');
  const { organisationId, ...query } = input;
  const organisationPath = organisationId ? (await getOrganisation(db, actor, organisationId)).path : undefined;
  const result = await store.searchMembers(db, actor.scope, { ...query, organisationPath });
  // Looking a person up by ID number is a read of their record (it tells whether they are a member): audited.
  const lookedUp = query.q ? parsePersonalId(query.q.trim()) : undefined;
  if (lookedUp?.ok && /^[\d\s.\-]+$/.test(query.q!.trim())) {
    await inTransaction(db, (trx) =>
      appendAudit(trx, actor, { action: 'member.lookup', entity: 'personal_id', entityId: lookedUp.value, details: { found: result.items.map((m) => m.id) } }),
    );
  }
  return { ...result, page: query.page, pageSize: query.pageSize };
}

/** Reads one personal record; every read is audited. */
export async function getMember(db: Db, actor: Actor, id: string): Promise<Member> {
  requirePermission(actor, 'member.read');
  const member = await store.findMember(db, actor.scope, id);
  if (!member) throw new AppError('member.not_found', { id });
  await appendAudit(db, actor, { action: 'member.read', entity: 'member', entityId: id });
  return member;
}

export type MemberPatch = Partial<Record<Exclude<MemberField, 'cell' | 'committee'>, string | boolean | null>> & {
  organisationId?: string;
  version: number;
};

/** Applies a form edit: the merged record goes through the same validation as an imported row. */
export async function updateMember(db: Db, actor: Actor, id: string, patch: MemberPatch): Promise<Member> {
  return db.transaction().execute((trx) => updateMemberIn(trx, actor, id, patch));
}

/** The update inside a caller's transaction, for changes that are one step of a larger decision. */
export async function updateMemberIn(trx: Tx, actor: Actor, id: string, patch: MemberPatch): Promise<Member> {
  requirePermission(actor, 'member.write');
  const current = await store.findMember(trx, actor.scope, id);
  if (!current) throw new AppError('member.not_found', { id });
  if (current.version !== patch.version) throw new AppError('member.stale');
  const { version: _v, organisationId, ...changes } = patch;
  const merged: RawValues = { ...toRaw(current), ...changes };
  const { draft, errors } = validateMember(merged, { today: todayInVietnam() });
  if (!draft) throw new AppError('validation', {}, errors);
  let targetOrganisation = current.organisationId;
  if (organisationId && organisationId !== current.organisationId) {
    const unit = await getOrganisation(trx, actor, organisationId);
    if (!holdsMembers(unit.kind) || unit.closed) throw new AppError('validation', {}, [{ field: 'organisationId', code: 'member.organisation_not_cell' }]);
    targetOrganisation = unit.id;
  }
  if (draft.personalId !== current.personalId) {
    const taken = await store.existingByPersonalId(trx, actor.scope, [draft.personalId]);
    if (taken.size) {
      const name = taken.get(draft.personalId);
      throw new AppError('validation', {}, [
        name === null || name === undefined
          ? { field: 'personalId', code: 'personal_id.duplicate_elsewhere' }
          : { field: 'personalId', code: 'personal_id.duplicate_in_registry', params: { fullName: name } },
      ]);
    }
  }
  const changed = Object.keys(changes).filter((k) => merged[k as MemberField] !== toRaw(current)[k as MemberField]);
  await trx
    .updateTable('members')
    .set((eb) => ({
      personal_id: draft.personalId,
      full_name: draft.fullName,
      ...store.nameKeys(draft.fullName),
      date_of_birth: draft.dateOfBirth,
      birth_year: draft.birthYear,
      gender: draft.gender,
      hometown: draft.hometown,
      permanent_address: draft.permanentAddress,
      temporary_address: draft.temporaryAddress,
      ethnicity: draft.ethnicity,
      admitted_on: draft.admittedOn,
      official_on: draft.officialOn,
      party_card_number: draft.partyCardNumber,
      record_number: draft.recordNumber,
      status: draft.status,
      phone: draft.phone,
      needs_home_visit: draft.needsHomeVisit,
      organisation_id: targetOrganisation,
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .execute();
  await appendAudit(trx, actor, {
    action: 'member.update',
    entity: 'member',
    entityId: id,
    details: { fields: organisationId && organisationId !== current.organisationId ? [...changed, 'organisationId'] : changed },
  });
  return (await store.findMember(trx, actor.scope, id))!;
}

/** A stored member as the raw values the validator reads. */
function toRaw(m: Member): RawValues {
  return {
    personalId: m.personalId,
    fullName: m.fullName,
    dateOfBirth: m.dateOfBirth ?? String(m.birthYear),
    gender: m.gender,
    hometown: m.hometown,
    permanentAddress: m.permanentAddress,
    temporaryAddress: m.temporaryAddress,
    ethnicity: m.ethnicity,
    admittedOn: m.admittedOn,
    officialOn: m.officialOn,
    partyCardNumber: m.partyCardNumber,
    recordNumber: m.recordNumber,
    status: m.status,
    phone: m.phone,
    needsHomeVisit: m.needsHomeVisit ? 'x' : '',
  };
}
