-- A point's dossiers over a period (its throughput, utilisation and step timings on the dashboard).
CREATE INDEX dossiers_point_received_idx ON dossiers (point_id, received_at) WHERE point_id IS NOT NULL;
