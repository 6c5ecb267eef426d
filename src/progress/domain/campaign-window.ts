/**
 * Which deadline and calendar a unit is measured against (pure). Campaigns are run by a unit (usually a provincial
 * committee) for its whole subtree:
 *
 * - A unit inside a campaign's subtree follows that campaign; when campaigns are nested, the nearest one (deepest unit).
 * - A unit above the campaigns (the nation, or a unit whose parts run their own) follows them all at once: the earliest
 *   start, the latest deadline (it is done when its last part is), the holidays of any of them.
 * - No campaign at all: nothing to measure against (null).
 */

export interface CampaignSpan {
  /** Materialised path of the unit running the campaign ("/1/5/"). */
  path: string;
  startDate: string;
  deadline: string;
  holidays: readonly string[];
}

export interface CampaignWindow {
  startDate: string;
  deadline: string;
  holidays: string[];
}

export function campaignWindow(unitPath: string, campaigns: readonly CampaignSpan[]): CampaignWindow | null {
  const enclosing = campaigns.filter((c) => unitPath.startsWith(c.path)).sort((a, b) => b.path.length - a.path.length)[0];
  if (enclosing) return { startDate: enclosing.startDate, deadline: enclosing.deadline, holidays: [...enclosing.holidays].sort() };
  const inside = campaigns.filter((c) => c.path.startsWith(unitPath));
  if (inside.length === 0) return null;
  return {
    startDate: inside.map((c) => c.startDate).reduce((a, b) => (a < b ? a : b)),
    deadline: inside.map((c) => c.deadline).reduce((a, b) => (a > b ? a : b)),
    holidays: [...new Set(inside.flatMap((c) => c.holidays))].sort(),
  };
}
