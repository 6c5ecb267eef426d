import type { Queryable } from '../platform/db.ts';
import type { Gender } from '../platform/schema.ts';

/** One person as the national population register answers for a personal ID. */
export interface RegisterRecord {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: Gender;
  hometown: string | null;
  permanentAddress: string | null;
}

/**
 * The population register as a port: the real one is out of reach, so doithe talks to it through this interface
 * (an embedded table, or the remote adapter over HTTP with timeouts, retries and a circuit breaker).
 */
export interface PopulationRegister {
  /** The record for one ID, or null when the register has no such person. */
  lookup(personalId: string): Promise<RegisterRecord | null>;
  /** Records for many IDs; IDs the register does not know are absent from the map. */
  lookupMany(personalIds: readonly string[]): Promise<Map<string, RegisterRecord>>;
  /** Set when the records are table population_register of the app's own database, so bulk work may join it in SQL. */
  readonly inDatabase?: boolean;
}

/** The register kept in the app's own PostgreSQL (table population_register), filled by demo or import. */
export function embeddedRegister(db: Queryable): PopulationRegister {
  const columns = [
    'personal_id as personalId',
    'full_name as fullName',
    'date_of_birth as dateOfBirth',
    'gender',
    'hometown',
    'permanent_address as permanentAddress',
  ] as const;
  return {
    inDatabase: true,
    async lookup(personalId) {
      return (await db.selectFrom('population_register').select(columns).where('personal_id', '=', personalId).executeTakeFirst()) ?? null;
    },
    async lookupMany(personalIds) {
      const found = new Map<string, RegisterRecord>();
      for (let i = 0; i < personalIds.length; i += 10_000) {
        const rows = await db.selectFrom('population_register').select(columns).where('personal_id', 'in', personalIds.slice(i, i + 10_000)).execute();
        for (const r of rows) found.set(r.personalId, r);
      }
      return found;
    },
  };
}
