import type { OrganisationKind } from '../platform/schema.ts';

export const ORGANISATION_KINDS: readonly OrganisationKind[] = [
  'central',
  'provincial_committee',
  'central_committee',
  'commune_committee',
  'grassroots_committee',
  'grassroots_cell',
  'cell',
];

/** Which kinds may sit under which: the tree is of uneven depth, but not arbitrary. */
const ALLOWED_CHILDREN: Record<OrganisationKind, readonly OrganisationKind[]> = {
  central: ['provincial_committee', 'central_committee'],
  provincial_committee: ['commune_committee', 'grassroots_committee', 'grassroots_cell'],
  central_committee: ['grassroots_committee', 'grassroots_cell'],
  commune_committee: ['grassroots_committee', 'grassroots_cell', 'cell'],
  grassroots_committee: ['grassroots_committee', 'cell'],
  grassroots_cell: [],
  cell: [],
};

export function mayContain(parent: OrganisationKind, child: OrganisationKind): boolean {
  return ALLOWED_CHILDREN[parent].includes(child);
}

/** Units members can belong to directly. */
export function holdsMembers(kind: OrganisationKind): boolean {
  return kind === 'cell' || kind === 'grassroots_cell';
}

export function childPath(parentPath: string, id: string): string {
  return `${parentPath}${id}/`;
}

/** True when `candidate` is `node` itself or below it. */
export function isWithin(candidatePath: string, nodePath: string): boolean {
  return candidatePath.startsWith(nodePath);
}

/** Default cell kind when creating a unit from an import "Chi bộ" name under a parent. */
export function cellKindUnder(parent: OrganisationKind): OrganisationKind {
  return parent === 'commune_committee' || parent === 'grassroots_committee' ? 'cell' : 'grassroots_cell';
}
