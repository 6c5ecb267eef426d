import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables in migrations/. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateOnly = ColumnType<string, string, string>;

export interface ProvincesTable {
  code: string;
  name: string;
  kind: 'tinh' | 'thanh_pho';
}

export interface CommunesTable {
  code: string;
  province_code: string;
  name: string;
  kind: 'xa' | 'phuong' | 'dac_khu';
}

export type OrganisationKind =
  | 'central'
  | 'provincial_committee'
  | 'central_committee'
  | 'commune_committee'
  | 'grassroots_committee'
  | 'grassroots_cell'
  | 'cell';

export interface OrganisationsTable {
  id: Generated<string>;
  parent_id: string | null;
  path: string;
  depth: number;
  name: string;
  kind: OrganisationKind;
  province_code: string | null;
  commune_code: string | null;
  closed_at: Timestamp | null;
  merged_into: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type MemberStatus = 'official' | 'probationary' | 'moved_out' | 'deceased' | 'left';
export type Gender = 'male' | 'female';

export interface MembersTable {
  id: Generated<string>;
  personal_id: string;
  full_name: string;
  name_folded: string;
  name_key: string;
  sort_key: string;
  date_of_birth: DateOnly | null;
  birth_year: number;
  gender: Gender;
  hometown: string | null;
  permanent_address: string | null;
  temporary_address: string | null;
  ethnicity: string | null;
  admitted_on: DateOnly | null;
  official_on: DateOnly | null;
  party_card_number: string | null;
  record_number: string | null;
  status: MemberStatus;
  organisation_id: string;
  phone: string | null;
  needs_home_visit: Generated<boolean>;
  eligible: ColumnType<boolean, never, never>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Role = 'central_admin' | 'provincial_admin' | 'party_officer' | 'intake_officer' | 'supervisor' | 'inspector';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  full_name: string;
  password_hash: string;
  role: Role;
  scope_organisation_id: string | null;
  scope_province_code: string | null;
  scope_commune_code: string | null;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  disabled: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, string | undefined, never>;
  actor_id: string | null;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  scope: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

/** The evening's daily reports as sent up (migration 0017). */
export interface ProgressReportsTable {
  id: Generated<string>;
  organisation_id: string;
  day: ColumnType<string, string, string>;
  generated_at: Date;
  pdf: Buffer;
  xlsx: Buffer;
}

export interface ImportUploadsTable {
  id: string;
  user_id: string;
  file_name: string;
  content: Buffer;
  options: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

export interface PopulationRegisterTable {
  personal_id: string;
  full_name: string;
  date_of_birth: string;
  gender: Gender;
  hometown: string | null;
  permanent_address: string | null;
  updated_at: Generated<Date>;
}

export interface MemberWordsTable {
  word: string;
  sort_key: string;
  member_id: string;
  name_folded: string;
  name_key: string;
}

export interface ReconciliationResultsTable {
  member_id: string;
  status: 'matched' | 'mismatched' | 'not_found' | 'awaiting';
  blocking: boolean;
  differences: ColumnType<unknown, string, string>;
  checked_at: Timestamp;
  decision: 'corrected' | 'kept' | 'referred' | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export interface ReconciliationRunsTable {
  id: Generated<string>;
  organisation_id: string | null;
  requested_by: string | null;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  total: Generated<number>;
  checked: Generated<number>;
  matched: Generated<number>;
  mismatched: Generated<number>;
  not_found: Generated<number>;
  awaiting: Generated<number>;
  error: string | null;
  created_at: Generated<Date>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface CampaignsTable {
  id: Generated<string>;
  name: string;
  organisation_id: string;
  province_code: string;
  start_date: DateOnly;
  deadline: DateOnly;
  holidays: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface IntakePointsTable {
  id: Generated<string>;
  name: string;
  province_code: string;
  commune_code: string;
  address: string | null;
  operator: 'provincial' | 'commune';
  closed_on: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
}

export interface IntakePointSettingsTable {
  point_id: string;
  effective_from: DateOnly;
  kits: number;
  records_per_kit_hour: ColumnType<string, number, number>;
  shifts: ColumnType<unknown, string, string>;
  open_weekdays: number[];
}

export interface MobileTeamsTable {
  id: Generated<string>;
  name: string;
  province_code: string;
  commune_codes: string[];
  visits_per_day: number;
}

export interface SchedulePlansTable {
  id: Generated<string>;
  campaign_id: string;
  status: Generated<'draft' | 'published' | 'superseded'>;
  finish_date: DateOnly | null;
  lower_bound_date: DateOnly | null;
  feasible: boolean;
  advice: ColumnType<unknown, string, string>;
  unplaceable: ColumnType<unknown, string, string>;
  cross_commune_members: number;
  changed_appointments: number;
  created_by: string | null;
  created_at: Generated<Date>;
  published_at: Timestamp | null;
}

export interface AppointmentsTable {
  id: Generated<string>;
  plan_id: string;
  cell_id: string;
  point_id: string;
  day: DateOnly;
  shift: 'morning' | 'afternoon' | 'evening';
  members: number;
  locked: Generated<boolean>;
  missed: Generated<boolean>;
}

export interface HomeVisitRunsTable {
  id: Generated<string>;
  plan_id: string;
  team_id: string;
  day: DateOnly;
  commune_code: string;
  member_ids: string[];
}

export interface NoticeOutboxTable {
  id: Generated<string>;
  plan_id: string;
  cell_id: string;
  short_text: string;
  long_text: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  created_at: Generated<Date>;
  sent_at: Timestamp | null;
}

export interface CounterKeysTable {
  user_id: string;
  key: Buffer;
  created_at: Generated<Date>;
}

export interface DossiersTable {
  id: string;
  member_id: string;
  point_id: string | null;
  mobile_team_id: string | null;
  state: 'in_progress' | 'confirmed' | 'approved' | 'returned' | 'ready_to_send' | 'sent';
  data: ColumnType<unknown, string, string>;
  record: ColumnType<unknown, string, string>;
  photo_ref: string | null;
  photo_sha256: string | null;
  signature_ref: string | null;
  signature_sha256: string | null;
  signature_on_paper: Generated<boolean>;
  payload_sha256: string;
  submitted_by: string | null;
  device_id: string | null;
  device_submitted_at: Timestamp | null;
  received_at: Generated<Date>;
  conflict_with: string | null;
  return_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  /** The server's photo check (intake/photo-check.ts); NULL until done, never inserted with the dossier. */
  photo_check: ColumnType<unknown, never, string>;
  /** What the centre answered about a dossier it did not accept (migration 0024). */
  centre_conflict: ColumnType<unknown, string | null, string | null> | null;
}

/** Issue 7, the province's side of sending (migration 0024). */
export interface SendBatchesTable {
  id: string;
  province_code: string;
  state: 'prepared' | 'acknowledged' | 'refused';
  dossiers: number;
  manifest: Buffer;
  created_by: string | null;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  last_error: string | null;
  receipt: Buffer | null;
  acknowledged_at: Timestamp | null;
  accepted: number | null;
  conflicts: number | null;
}

export interface SendBatchItemsTable {
  batch_id: string;
  seq: number;
  dossier_id: string;
  data: Buffer;
  data_sha256: Buffer;
  photo_ref: string;
  photo_sha256: Buffer;
  signature_ref: string | null;
  signature_sha256: Buffer | null;
}

/** Issue 7, the centre's side (migration 0024). */
export interface CentreProvinceKeysTable {
  kid: string;
  province_code: string;
  spki: Buffer;
  enrolled_at: Generated<Date>;
  disabled_at: Timestamp | null;
}

export interface CentreBatchesTable {
  id: string;
  province_code: string;
  kid: string;
  manifest_sha256: Buffer;
  dossiers: number;
  accepted: number;
  conflicts: number;
  content_file: string;
  received_at: Generated<Date>;
  receipt: Buffer;
}

export interface CentreRecordsTable {
  dossier_id: string;
  batch_id: string;
  seq: number;
  province_code: string;
  personal_id: string;
  data: ColumnType<unknown, string, string>;
  photo_offset: ColumnType<string, number, number>;
  photo_length: number;
  signature_offset: ColumnType<string, number, number> | null;
  signature_length: number | null;
  status: 'accepted' | 'conflict';
  conflict_with: string | null;
  received_at: Generated<Date>;
  /** Why no card could be made from it (migration 0026); set aside until someone looks. */
  production_problem: string | null;
}

export interface IssuerKeysTable {
  kid: string;
  spki: Buffer;
  signs_from: Generated<Date>;
  signs_until: Timestamp | null;
}

/** Issue 7, cards (migration 0025). */
export type CardState = 'produced' | 'shipped' | 'at_organisation' | 'handed_over' | 'revoked';
export type RevocationReason = 'lost' | 'deceased' | 'left_party' | 'replaced';

export interface CardSerialsTable {
  province_code: string;
  year: number;
  last_serial: number;
}

export interface PrintBatchesTable {
  id: string;
  province_code: string;
  commune_code: string | null;
  area_name: string;
  cards: number;
  created_at: Generated<Date>;
}

export interface CardsTable {
  id: Generated<string>;
  card_number: string;
  dossier_id: string;
  personal_id: string;
  full_name: string;
  province_code: string;
  organisation_id: string | null;
  organisation_name: string;
  status_index: number;
  issued_on: ColumnType<string, string, string>;
  kid: string;
  chip: Buffer;
  qr: string;
  print_batch_id: string;
  state: CardState;
  revoked_reason: RevocationReason | null;
  revoked_note: string | null;
  revoked_at: Timestamp | null;
  produced_at: Generated<Date>;
}

export interface CardEventsTable {
  id: Generated<string>;
  card_id: string;
  step: CardState;
  at: Generated<Date>;
  by_user: string | null;
  by_name: string;
  signature: Buffer | null;
  note: string | null;
}

export interface StatusListsTable {
  id: Generated<string>;
  issued_at: Date;
  valid_until: Date;
  cards: number;
  revoked: number;
  signed: Buffer;
}

export interface Database {
  card_serials: CardSerialsTable;
  print_batches: PrintBatchesTable;
  cards: CardsTable;
  card_events: CardEventsTable;
  status_lists: StatusListsTable;
  send_batches: SendBatchesTable;
  send_batch_items: SendBatchItemsTable;
  centre_province_keys: CentreProvinceKeysTable;
  centre_batches: CentreBatchesTable;
  centre_records: CentreRecordsTable;
  issuer_keys: IssuerKeysTable;
  dossiers: DossiersTable;
  counter_keys: CounterKeysTable;
  campaigns: CampaignsTable;
  intake_points: IntakePointsTable;
  intake_point_settings: IntakePointSettingsTable;
  mobile_teams: MobileTeamsTable;
  schedule_plans: SchedulePlansTable;
  appointments: AppointmentsTable;
  home_visit_runs: HomeVisitRunsTable;
  notice_outbox: NoticeOutboxTable;
  reconciliation_results: ReconciliationResultsTable;
  reconciliation_runs: ReconciliationRunsTable;
  member_words: MemberWordsTable;
  population_register: PopulationRegisterTable;
  import_uploads: ImportUploadsTable;
  progress_reports: ProgressReportsTable;
  provinces: ProvincesTable;
  communes: CommunesTable;
  organisations: OrganisationsTable;
  members: MembersTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
}
