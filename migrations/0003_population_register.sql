-- The national population register as the simulator serves it (issue: cross-check). Filled by `doithe demo`.
CREATE TABLE population_register (
  personal_id char(12) PRIMARY KEY,
  full_name text NOT NULL,
  date_of_birth date NOT NULL,
  gender text NOT NULL CHECK (gender IN ('male', 'female')),
  hometown text,
  permanent_address text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
