/** Shapes of a generated demo province. */

export interface DemoCommune {
  /** 5 digits. */
  code: string;
  /** As in the official code list ("Xã Đoàn Kết") or bare ("Đoàn Kết"). */
  name: string;
  kind: 'xa' | 'phuong' | 'dac_khu';
}

export interface DemoOptions {
  /** One of PROVINCES. */
  provinceCode: string;
  members: number;
  seed: number;
  /** From an imported code list; when absent, plausible communes are made up. */
  communes?: DemoCommune[];
  /** YYYY-MM-DD; default '2025-08-10'. */
  today?: string;
}

export type DemoOrganisationKind = 'provincial_committee' | 'commune_committee' | 'grassroots_committee' | 'grassroots_cell' | 'cell';

export interface DemoOrganisation {
  /** Unique and stable: the same options give the same keys. */
  key: string;
  /**
   * null: directly under the provincial committee (the root of the province), which is not in the
   * list because it already exists wherever the demo is loaded.
   */
  parentKey: string | null;
  name: string;
  kind: DemoOrganisationKind;
  communeCode: string | null;
}

export interface DemoMember {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  hometown: string;
  permanentAddress: string;
  temporaryAddress: string | null;
  ethnicity: string;
  admittedOn: string;
  officialOn: string | null;
  /** 8 digits: 2-digit committee code + 6 digits. */
  partyCardNumber: string | null;
  recordNumber: string;
  status: 'official' | 'probationary';
  /** Always a 'cell' or a 'grassroots_cell'. */
  organisationKey: string;
  phone: string | null;
  needsHomeVisit: boolean;
}

export type RegisterDiscrepancy = 'tone_placement' | 'nfd' | 'typo' | 'swapped_day_month' | 'different_birth_date' | 'address_changed';

export interface RegisterPerson {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  hometown: string;
  permanentAddress: string;
  /** How this entry differs from the party record (null: it matches). */
  discrepancy: null | RegisterDiscrepancy;
}

export interface DemoProvince {
  communes: DemoCommune[];
  /** Every unit below the provincial committee; parents always come before their children. */
  organisations: DemoOrganisation[];
  memberCount: number;
  /** Generated lazily (a million members never sit in memory); the same sequence on every call. */
  members(): Iterable<DemoMember>;
  /** Population register entries of the members, minus ~0.3% missing people, with discrepancies. */
  register(): Iterable<RegisterPerson>;
}
