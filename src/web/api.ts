// Types and constants shared with the server come from its pure modules (type-only where they touch I/O).
import type { Gender, MemberStatus, OrganisationKind, Role } from '../platform/schema.ts';
import { ROLES } from '../platform/permissions.ts';
import type { Member, MemberSummary } from '../members/store.ts';
import { MEMBER_FIELDS, type MemberField } from '../members/domain/fields.ts';
import { ORGANISATION_KINDS } from '../organisations/domain.ts';
/**
 * Typed client for the doithe HTTP API.
 * JSON in and out, the session cookie goes along (same origin), every non-GET carries the
 * CSRF token from the session, and errors become an ApiError with the server's code, message and issues.
 */

export type { Role };
export { ROLES };

export interface Scope {
  all: boolean;
  organisationId?: string;
  organisationName?: string;
  provinceCode?: string;
  communeCode?: string;
}

export interface SessionUser {
  id: string;
  username: string;
  fullName: string;
  role: Role;
  scope: Scope;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export type OrgKind = OrganisationKind;
export const ORG_KINDS: readonly OrgKind[] = ORGANISATION_KINDS;

export interface Organisation {
  id: string;
  parentId: string | null;
  name: string;
  kind: OrgKind;
  communeCode: string | null;
  /** Set on provincial committees and the units below them. */
  provinceCode?: string | null;
  childCount: number;
  memberCount: number;
  closed: boolean;
}

export interface OrganisationDetail extends Organisation {
  ancestors: { id: string; name: string }[];
}

export type { Gender, MemberStatus, MemberSummary };
export const MEMBER_STATUSES: readonly MemberStatus[] = ['official', 'probationary', 'moved_out', 'deceased', 'left'];

export interface MemberPage {
  items: MemberSummary[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

/** The server's member record (src/members/store.ts), as JSON. */
export type MemberDetail = Member;

/** Fields a PATCH may change (the body of PATCH /api/members/:id); `version` is required for optimistic locking. */
export interface MemberPatch {
  version: number;
  personalId?: string | null;
  fullName?: string;
  dateOfBirth?: string | null;
  birthYear?: number | null;
  gender?: Gender | null;
  hometown?: string | null;
  permanentAddress?: string | null;
  temporaryAddress?: string | null;
  ethnicity?: string | null;
  admittedOn?: string | null;
  officialOn?: string | null;
  partyCardNumber?: string | null;
  recordNumber?: string | null;
  status?: MemberStatus;
  phone?: string | null;
  needsHomeVisit?: boolean;
}

export interface MemberQuery {
  q?: string;
  exact?: boolean;
  organisationId?: string;
  status?: MemberStatus;
  page?: number;
  pageSize?: number;
}

export const IMPORT_FIELDS = MEMBER_FIELDS;
export type ImportField = MemberField;

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface RejectedRow {
  row: number;
  errors: FieldError[];
}

export interface ImportRecord {
  row: number;
  values: Record<string, string>;
  errors: FieldError[];
}

export interface ImportPreview {
  uploadId: string;
  fileName: string;
  rows: number;
  accepted: number;
  rejected: RejectedRow[];
  records: ImportRecord[];
  columns: string[];
}

export interface ImportPreviewOptions {
  organisationId?: string;
  cell?: string;
  createOrgs?: boolean;
}

export interface ImportFix {
  row: number;
  values: Record<string, string>;
}

export interface ImportCommitResult {
  rows: number;
  accepted: number;
  rejected: RejectedRow[];
  committed: boolean;
}

export interface User {
  id: string;
  username: string;
  fullName: string;
  role: Role;
  scope: Scope;
  locked: boolean;
  disabled: boolean;
}

export interface UserCreate {
  username: string;
  fullName: string;
  password: string;
  role: Role;
  organisationId?: string;
  provinceCode?: string;
  communeCode?: string;
}

export interface UserPatch {
  fullName?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
  organisationId?: string;
  provinceCode?: string;
  communeCode?: string;
}

export interface Province {
  code: string;
  name: string;
}

export interface Commune {
  code: string;
  name: string;
  kind: string;
}

export interface ApiIssue {
  row?: number;
  field?: string;
  code: string;
  message: string;
}

/** An error answered by the server (status ≥ 400) or a failure to reach it (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];

  constructor(status: number, code: string, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

export const NETWORK_ERROR = 'network.unreachable';

let csrfToken: string | null = null;
let language = 'vi';
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** For the few calls that are not JSON in and out (a PDF answer). */
export const currentCsrfToken = (): string | null => csrfToken;

export function setApiLanguage(lang: string): void {
  language = lang;
}

/** Called when a request other than the session check answers 401 (the session ended). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  json?: unknown;
  form?: FormData;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toIssues(value: unknown): ApiIssue[] {
  if (!Array.isArray(value)) return [];
  const issues: ApiIssue[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    const issue: ApiIssue = {
      code: typeof item.code === 'string' ? item.code : 'unknown',
      message: typeof item.message === 'string' ? item.message : '',
    };
    if (typeof item.row === 'number') issue.row = item.row;
    if (typeof item.field === 'string') issue.field = item.field;
    issues.push(issue);
  }
  return issues;
}

/** Builds an ApiError from a response status and its (possibly non-JSON) body. */
export function errorFromBody(status: number, body: unknown, statusText = ''): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const error = body.error;
    const code = typeof error.code === 'string' ? error.code : `http.${status}`;
    const message = typeof error.message === 'string' ? error.message : statusText;
    return new ApiError(status, code, message, toIssues(error.issues));
  }
  return new ApiError(status, `http.${status}`, statusText);
}

/** One call to the API; capability clients (e.g. reconciliation/api.ts) build on it. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': language === 'en' ? 'en, vi;q=0.5' : 'vi, en;q=0.5',
  };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = body;
    if (options.signal) init.signal = options.signal;
    response = await fetch(path + buildQuery(options.query), init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, NETWORK_ERROR, '');
  }

  const text = response.status === 204 ? '' : await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const error = errorFromBody(response.status, parsed, response.statusText);
    if (response.status === 401 && path !== '/api/session') unauthorizedHandler?.();
    throw error;
  }
  return parsed as T;
}

const enc = encodeURIComponent;

export const api = {
  health: () => request<{ status: string }>('GET', '/api/health'),

  getSession: (signal?: AbortSignal) => request<Session>('GET', '/api/session', signal ? { signal } : {}),
  login: (username: string, password: string) => request<Session>('POST', '/api/session', { json: { username, password } }),
  logout: () => request<void>('DELETE', '/api/session'),

  organisationRoots: () => request<Organisation[]>('GET', '/api/organisations/roots'),
  organisationChildren: (id: string) => request<Organisation[]>('GET', `/api/organisations/${enc(id)}/children`),
  organisation: (id: string) => request<OrganisationDetail>('GET', `/api/organisations/${enc(id)}`),
  createOrganisation: (input: { parentId: string; name: string; kind: OrgKind }) =>
    request<Organisation>('POST', '/api/organisations', { json: input }),
  updateOrganisation: (id: string, input: { name?: string; parentId?: string }) =>
    request<Organisation>('PATCH', `/api/organisations/${enc(id)}`, { json: input }),
  mergeOrganisation: (id: string, intoId: string) =>
    request<unknown>('POST', `/api/organisations/${enc(id)}/merge`, { json: { intoId } }),
  closeOrganisation: (id: string) => request<unknown>('POST', `/api/organisations/${enc(id)}/close`, { json: {} }),

  members: (query: MemberQuery, signal?: AbortSignal) =>
    request<MemberPage>('GET', '/api/members', {
      query: {
        q: query.q,
        exact: query.exact ? 'true' : undefined,
        organisationId: query.organisationId,
        status: query.status,
        page: query.page,
        pageSize: query.pageSize,
      },
      ...(signal ? { signal } : {}),
    }),
  member: (id: string) => request<MemberDetail>('GET', `/api/members/${enc(id)}`),
  updateMember: (id: string, patch: MemberPatch) =>
    request<MemberDetail>('PATCH', `/api/members/${enc(id)}`, { json: patch }),

  previewImport: (file: File, options: ImportPreviewOptions) => {
    const form = new FormData();
    if (options.organisationId) form.set('organisationId', options.organisationId);
    if (options.cell) form.set('cell', options.cell);
    form.set('createOrgs', options.createOrgs ? 'true' : 'false');
    // The file goes last so a streaming server has read the options before it.
    form.set('file', file, file.name);
    return request<ImportPreview>('POST', '/api/imports/members/preview', { form });
  },
  commitImport: (input: { uploadId: string; fixes: ImportFix[]; skipRows: number[] }) =>
    request<ImportCommitResult>('POST', '/api/imports/members/commit', { json: input }),

  users: () => request<User[]>('GET', '/api/users'),
  createUser: (input: UserCreate) => request<User>('POST', '/api/users', { json: input }),
  updateUser: (id: string, input: UserPatch) => request<User>('PATCH', `/api/users/${enc(id)}`, { json: input }),

  provinces: () => request<Province[]>('GET', '/api/reference/provinces'),
  communes: (provinceCode: string) =>
    request<Commune[]>('GET', '/api/reference/communes', { query: { provinceCode } }),
};
