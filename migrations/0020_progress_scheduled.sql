-- Issue 6: members booked by each campaign's published plan (the planner's appointments count members per cell and
-- shift), as subtree totals per unit: "scheduled" on the dashboards. Recomputed for a campaign whenever its published
-- plan changes (publishing supersedes the previous one; appointments of a published plan moved or marked), by the
-- statement triggers below; a campaign's plan is a few thousand appointments.
CREATE TABLE progress_scheduled (
  campaign_id bigint NOT NULL,
  organisation_id bigint NOT NULL,
  members integer NOT NULL,
  PRIMARY KEY (organisation_id, campaign_id)
);

CREATE FUNCTION progress_schedule_campaigns(campaigns bigint[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM progress_scheduled WHERE campaign_id = ANY(campaigns);
  INSERT INTO progress_scheduled (campaign_id, organisation_id, members)
  SELECT sp.campaign_id, a_id.id, sum(a.members)
  FROM schedule_plans sp JOIN appointments a ON a.plan_id = sp.id JOIN organisations o ON o.id = a.cell_id,
    unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')::bigint[]) AS a_id(id)
  WHERE sp.campaign_id = ANY(campaigns) AND sp.status = 'published'
  GROUP BY sp.campaign_id, a_id.id;
$$;

CREATE FUNCTION progress_plans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_schedule_campaigns(ARRAY(
    SELECT DISTINCT n.campaign_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.status IS DISTINCT FROM n.status
      AND 'published' IN (o.status, n.status)));
  RETURN NULL;
END $$;
CREATE TRIGGER schedule_plans_progress AFTER UPDATE ON schedule_plans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_plans_changed();

-- Appointments of a published plan that change (moved, re-counted, removed with their plan).
CREATE FUNCTION progress_appointments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_schedule_campaigns(ARRAY(
    SELECT DISTINCT sp.campaign_id FROM changed_rows c JOIN schedule_plans sp ON sp.id = c.plan_id WHERE sp.status = 'published'));
  RETURN NULL;
END $$;
CREATE TRIGGER appointments_progress_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_appointments_changed();
CREATE TRIGGER appointments_progress_update AFTER UPDATE ON appointments REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_appointments_changed();
CREATE TRIGGER appointments_progress_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_appointments_changed();

-- Plans published before this migration.
SELECT progress_schedule_campaigns(ARRAY(SELECT DISTINCT campaign_id FROM schedule_plans WHERE status = 'published'));

-- A unit moved under another parent: the campaigns counting anything below it are recomputed on the new paths.
CREATE FUNCTION progress_scheduled_units_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM progress_schedule_campaigns(ARRAY(
    SELECT DISTINCT s.campaign_id FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.parent_id IS DISTINCT FROM o.parent_id
      JOIN progress_scheduled s ON s.organisation_id = n.id));
  RETURN NULL;
END $$;
CREATE TRIGGER organisations_progress_scheduled AFTER UPDATE ON organisations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION progress_scheduled_units_moved();
