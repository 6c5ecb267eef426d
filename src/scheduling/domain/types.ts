/**
 * The campaign planning model, shared by the pure scheduler, the services that store its results and the outputs.
 * Calendar days are ISO dates (YYYY-MM-DD, Vietnam's days); times of day are "HH:MM" in Vietnam time.
 */

export type ShiftKey = 'morning' | 'afternoon' | 'evening';

export interface ShiftSpec {
  key: ShiftKey;
  start: string;
  end: string;
}

export interface Campaign {
  start: string;
  deadline: string;
  /** Days no point opens (public holidays). */
  holidays: string[];
}

/** Settings of an intake point from a day on ("changes take effect for future days only"). */
export interface PointSettings {
  from: string;
  kits: number;
  recordsPerKitHour: number;
  shifts: ShiftSpec[];
  /** Days of the week it opens, 0 = Sunday … 6 = Saturday. */
  openWeekdays: number[];
}

export interface IntakePoint {
  id: string;
  name: string;
  communeCode: string;
  /** Run by the provincial police (PC06), which also takes members of provincial and central-level committees. */
  operator: 'provincial' | 'commune';
  /** Ordered by `from`; the first one applies from the campaign start. */
  settings: PointSettings[];
  /** One-off closures. */
  closedOn: string[];
}

/** How many members one shift of one point can take. */
export interface Slot {
  pointId: string;
  date: string;
  shift: ShiftKey;
  capacity: number;
}

/** A party cell to schedule: its members who come to a point (not those needing a home visit). */
export interface CellDemand {
  cellId: string;
  /** The commune the cell belongs to (its commune committee's commune); null for provincial/central-level cells. */
  communeCode: string | null;
  level: 'commune' | 'provincial' | 'central';
  members: number;
}

export interface Appointment {
  cellId: string;
  pointId: string;
  date: string;
  shift: ShiftKey;
  members: number;
}

export type UnplaceableReason = 'no_capacity_before_deadline' | 'no_point_for_level' | 'no_eligible_members';

export interface Unplaceable {
  cellId: string;
  members: number;
  reason: UnplaceableReason;
}

/** A change the planner can apply to make the deadline feasible. */
export type Advice =
  | { kind: 'add_kits'; pointId: string; kits: number }
  | { kind: 'open_shift'; pointId: string; shift: ShiftKey }
  | { kind: 'open_weekends'; pointId: string };

export interface PlanInput {
  campaign: Campaign;
  points: IntakePoint[];
  cells: CellDemand[];
  /** Appointments that must not move (days done, confirmed): their capacity is used, the cells' members counted. */
  locked: Appointment[];
  /** Appointments already announced: a re-plan keeps as many of them as it can. */
  previous: Appointment[];
  /** Capacity already used by walk-ins and the like, per slot (pointId|date|shift → members). */
  used?: Record<string, number>;
}

export interface Plan {
  appointments: Appointment[];
  unplaceable: Unplaceable[];
  /** Last day with an appointment; null when nothing is scheduled. */
  finishDate: string | null;
  /** Independent lower bound on the finish day from capacity alone. */
  lowerBoundDate: string | null;
  /** Every member placed on or before the deadline. */
  feasible: boolean;
  /** When not feasible: changes that would make it so (empty when feasible). */
  advice: Advice[];
  /** Members scheduled at a point of another commune than their cell's. */
  crossCommuneMembers: number;
  /** Announced appointments (from `previous`) that this plan changed. */
  changedAppointments: number;
}

/** Members flagged as needing a home visit, and the mobile teams that visit them. */
export interface HomeVisitDemand {
  memberId: string;
  communeCode: string;
}

export interface MobileTeam {
  id: string;
  /** Communes it serves. */
  communeCodes: string[];
  visitsPerDay: number;
}

export interface HomeVisitRun {
  teamId: string;
  date: string;
  communeCode: string;
  memberIds: string[];
}
