-- Issue 7: cards produced at the centre from accepted records, their lifecycle, revocation and the published status
-- list (decisions 0017, 0018).

-- Serial numbers per issuing province and year (the card number's NNNNNN), allocated in blocks under the row's lock.
CREATE TABLE card_serials (
  province_code text NOT NULL REFERENCES provinces(code),
  year integer NOT NULL,
  last_serial integer NOT NULL,
  PRIMARY KEY (province_code, year)
);

-- A card's bit in the status list: never reused.
CREATE SEQUENCE card_status_index_seq MINVALUE 0 START 0;

-- Print batches: the cards of one province and one commune committee's area, printed and shipped together.
CREATE TABLE print_batches (
  id uuid PRIMARY KEY,
  province_code text NOT NULL REFERENCES provinces(code),
  commune_code text,
  area_name text NOT NULL,
  cards integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cards (
  id bigserial PRIMARY KEY,
  card_number text NOT NULL UNIQUE,
  dossier_id uuid NOT NULL UNIQUE REFERENCES centre_records(dossier_id),
  personal_id text NOT NULL,
  full_name text NOT NULL,
  province_code text NOT NULL REFERENCES provinces(code),
  -- the member's party organisation at issue (its id in the sending province's tree) and its name as printed
  organisation_id bigint,
  organisation_name text NOT NULL,
  status_index integer NOT NULL UNIQUE,
  issued_on date NOT NULL,
  kid text NOT NULL REFERENCES issuer_keys(kid),
  -- the signed chip record (COSE_Sign1) and the QR text printed on the back
  chip bytea NOT NULL,
  qr text NOT NULL,
  print_batch_id uuid NOT NULL REFERENCES print_batches(id),
  state text NOT NULL CHECK (state IN ('produced', 'shipped', 'at_organisation', 'handed_over', 'revoked')),
  revoked_reason text CHECK (revoked_reason IN ('lost', 'deceased', 'left_party', 'replaced')),
  revoked_note text,
  revoked_at timestamptz,
  produced_at timestamptz NOT NULL DEFAULT now()
);
-- One live card per member.
CREATE UNIQUE INDEX cards_member_live_idx ON cards (personal_id) WHERE state <> 'revoked';
CREATE INDEX cards_print_batch_idx ON cards (print_batch_id, card_number);

-- Each step of a card's way, scanned by its number or QR; the member's signature at handover.
CREATE TABLE card_events (
  id bigserial PRIMARY KEY,
  card_id bigint NOT NULL REFERENCES cards(id),
  step text NOT NULL CHECK (step IN ('produced', 'shipped', 'at_organisation', 'handed_over', 'revoked')),
  at timestamptz NOT NULL DEFAULT now(),
  by_user bigint REFERENCES users(id),
  by_name text NOT NULL,
  signature bytea,
  note text
);
CREATE INDEX card_events_card_idx ON card_events (card_id, at);

-- The signed status lists as published; the newest is served.
CREATE TABLE status_lists (
  id bigserial PRIMARY KEY,
  issued_at timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  cards integer NOT NULL,
  revoked integer NOT NULL,
  signed bytea NOT NULL
);
