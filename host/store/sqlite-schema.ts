/** The SQLite tables of the store. Every statement is idempotent: opening a database creates what is missing. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS merchants (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shops (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants(id), name TEXT NOT NULL, latitude REAL, longitude REAL);
CREATE TABLE IF NOT EXISTS verifiers (
  id TEXT PRIMARY KEY, shop_id TEXT NOT NULL REFERENCES shops(id), label TEXT NOT NULL,
  require_presence INTEGER NOT NULL, purpose INTEGER NOT NULL DEFAULT 1, quantity INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS stamps (
  id TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, label TEXT NOT NULL,
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')),
  last_counter INTEGER NOT NULL, registered_at INTEGER NOT NULL, firmware_hash TEXT);
CREATE TABLE IF NOT EXISTS stamp_shops (
  stamp_id TEXT NOT NULL REFERENCES stamps(id), shop_id TEXT NOT NULL REFERENCES shops(id),
  PRIMARY KEY (stamp_id, shop_id));
CREATE TABLE IF NOT EXISTS stamp_verifiers (
  stamp_id TEXT NOT NULL REFERENCES stamps(id), verifier_id TEXT NOT NULL REFERENCES verifiers(id),
  PRIMARY KEY (stamp_id, verifier_id));
CREATE TABLE IF NOT EXISTS challenges (
  nonce TEXT PRIMARY KEY, verifier_id TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, purpose INTEGER NOT NULL, quantity INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS signed_counters (
  stamp_id TEXT NOT NULL, counter INTEGER NOT NULL, nonce TEXT NOT NULL, verifier_id TEXT NOT NULL,
  challenge_issued_at INTEGER NOT NULL, purpose INTEGER NOT NULL, quantity INTEGER NOT NULL,
  response TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (stamp_id, counter, nonce));
CREATE TABLE IF NOT EXISTS ledger (
  sequence INTEGER PRIMARY KEY, stamp_id TEXT NOT NULL, counter INTEGER NOT NULL,
  verifier_id TEXT NOT NULL, shop_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
  purpose INTEGER NOT NULL, quantity INTEGER NOT NULL, nonce TEXT NOT NULL UNIQUE,
  challenge_issued_at INTEGER NOT NULL DEFAULT 0,
  accepted_at INTEGER NOT NULL, response TEXT NOT NULL,
  transport TEXT NOT NULL DEFAULT 'station' CHECK (transport IN ('station', 'phone')),
  origin TEXT NOT NULL DEFAULT '', card_id TEXT NOT NULL DEFAULT '',
  previous_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (stamp_id, counter));
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
  merchant_id TEXT NOT NULL DEFAULT '',
  stamp_id TEXT NOT NULL, verifier_id TEXT NOT NULL, shop_id TEXT NOT NULL,
  reason TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  sequence INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, merchant_id TEXT,
  action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
  previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TABLE IF NOT EXISTS checkpoints (
  chain TEXT NOT NULL, count INTEGER NOT NULL, head_hash TEXT NOT NULL, at INTEGER NOT NULL,
  host_key_id TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (chain, count, host_key_id));
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, merchant_id TEXT REFERENCES merchants(id),
  verifier_id TEXT REFERENCES verifiers(id), label TEXT NOT NULL, secret_hash TEXT UNIQUE,
  public_key BLOB UNIQUE, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER,
  created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrolment_codes (
  code_hash TEXT PRIMARY KEY, role TEXT NOT NULL, merchant_id TEXT NOT NULL REFERENCES merchants(id),
  verifier_id TEXT, expires_at INTEGER NOT NULL, used_at INTEGER, created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS request_nonces (
  credential_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (credential_id, nonce));
CREATE TABLE IF NOT EXISTS firmware (hash TEXT PRIMARY KEY, label TEXT NOT NULL, approved_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS provisioning_challenges (
  challenge TEXT PRIMARY KEY, credential_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS holders (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS holder_secrets (
  secret_hash TEXT PRIMARY KEY, holder_id TEXT NOT NULL REFERENCES holders(id), created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS workers (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants(id), name TEXT NOT NULL,
  created_at INTEGER NOT NULL, clocked_in_since INTEGER);
CREATE TABLE IF NOT EXISTS worker_invitations (
  code_hash TEXT PRIMARY KEY, worker_id TEXT NOT NULL REFERENCES workers(id),
  merchant_id TEXT NOT NULL REFERENCES merchants(id), expires_at INTEGER NOT NULL, used_at INTEGER,
  created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS worker_phones (
  holder_id TEXT NOT NULL REFERENCES holders(id), merchant_id TEXT NOT NULL REFERENCES merchants(id),
  worker_id TEXT NOT NULL REFERENCES workers(id), linked_at INTEGER NOT NULL, PRIMARY KEY (holder_id, merchant_id));
CREATE TABLE IF NOT EXISTS passkeys (
  credential_id TEXT PRIMARY KEY, holder_id TEXT NOT NULL REFERENCES holders(id), public_key BLOB NOT NULL,
  counter INTEGER NOT NULL, transports TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS webauthn_challenges (
  challenge TEXT PRIMARY KEY, holder_id TEXT, kind TEXT NOT NULL CHECK (kind IN ('register', 'login')),
  expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS loyalty_programs (
  merchant_id TEXT PRIMARY KEY REFERENCES merchants(id), stamps_per_reward INTEGER NOT NULL DEFAULT 10,
  stamps_per_press INTEGER NOT NULL DEFAULT 1, reward_label TEXT NOT NULL DEFAULT 'a free item');
`;

/** Indexes, made after ADDED_COLUMNS so that older databases have every column they name. */
export const SQLITE_INDEXES = `
CREATE INDEX IF NOT EXISTS shops_by_merchant ON shops (merchant_id, id);
CREATE INDEX IF NOT EXISTS stamps_by_merchant ON stamps (merchant_id, id);
CREATE INDEX IF NOT EXISTS challenges_by_verifier ON challenges (verifier_id, expires_at);
CREATE INDEX IF NOT EXISTS ledger_by_merchant ON ledger (merchant_id, sequence);
CREATE INDEX IF NOT EXISTS ledger_by_stamp ON ledger (stamp_id, sequence);
CREATE INDEX IF NOT EXISTS ledger_by_stamp_time ON ledger (stamp_id, accepted_at, sequence);
CREATE INDEX IF NOT EXISTS ledger_by_shop ON ledger (shop_id, sequence);
CREATE INDEX IF NOT EXISTS alerts_by_merchant ON alerts (merchant_id, id);
CREATE INDEX IF NOT EXISTS alerts_by_station ON alerts (station_id, kind, at);
CREATE INDEX IF NOT EXISTS audit_by_merchant ON audit (merchant_id, sequence);
CREATE INDEX IF NOT EXISTS credentials_by_merchant ON credentials (merchant_id, id);
CREATE INDEX IF NOT EXISTS request_nonces_by_expiry ON request_nonces (expires_at);
CREATE INDEX IF NOT EXISTS ledger_by_card ON ledger (card_id, merchant_id, sequence);
CREATE INDEX IF NOT EXISTS workers_by_merchant ON workers (merchant_id, id);
CREATE INDEX IF NOT EXISTS worker_phones_by_worker ON worker_phones (worker_id);
CREATE INDEX IF NOT EXISTS passkeys_by_holder ON passkeys (holder_id);
CREATE INDEX IF NOT EXISTS webauthn_challenges_by_expiry ON webauthn_challenges (expires_at);
-- Analytics (which statement each serves: analytics-sql.ts). Covering: no ledger row is read.
CREATE INDEX IF NOT EXISTS ledger_by_merchant_time ON ledger (merchant_id, accepted_at, purpose, shop_id, transport, card_id, quantity);
DROP INDEX IF EXISTS ledger_customer_taps;
CREATE INDEX IF NOT EXISTS ledger_card_taps ON ledger (merchant_id, card_id, accepted_at, purpose, quantity) WHERE card_id <> '' AND purpose IN (1, 2);
CREATE INDEX IF NOT EXISTS ledger_clock_taps ON ledger (merchant_id, accepted_at, card_id, purpose, shop_id) WHERE purpose IN (3, 4);
`;

/**
 * One label per stamp within a merchant, among stamps in service: a revoked stamp (never
 * reinstated) gives its label up, so a stamp re-flashed after a factory reset keeps its name.
 * Made apart from SQLITE_INDEXES: an older database may hold duplicates.
 */
export const STAMP_LABEL_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS stamps_live_label_by_merchant ON stamps (merchant_id, label) WHERE status <> 'revoked'";

/** Columns added after databases existed: [table, column, definition]. */
export const ADDED_COLUMNS: readonly [string, string, string][] = [
  ["stamps", "firmware_hash", "TEXT"],
  ["verifiers", "purpose", "INTEGER NOT NULL DEFAULT 1"],
  ["verifiers", "quantity", "INTEGER NOT NULL DEFAULT 1"],
  ["ledger", "challenge_issued_at", "INTEGER NOT NULL DEFAULT 0"],
  ["alerts", "merchant_id", "TEXT NOT NULL DEFAULT ''"],
  ["ledger", "transport", "TEXT NOT NULL DEFAULT 'station' CHECK (transport IN ('station', 'phone'))"],
  ["ledger", "origin", "TEXT NOT NULL DEFAULT ''"],
  ["ledger", "card_id", "TEXT NOT NULL DEFAULT ''"],
  ["loyalty_programs", "reward_valid_days", "INTEGER"],
  ["challenges", "card_id", "TEXT NOT NULL DEFAULT ''"],
  ["challenges", "voucher_id", "TEXT"],
  ["challenges", "order_ref", "TEXT"],
  ["challenges", "amount", "INTEGER"],
  ["challenges", "currency", "TEXT"],
  ["ledger", "order_ref", "TEXT"],
  ["ledger", "amount", "INTEGER"],
  ["ledger", "currency", "TEXT"],
  ["shops", "latitude", "REAL"],
  ["shops", "longitude", "REAL"],
  ["challenges", "station_id", "TEXT NOT NULL DEFAULT ''"],
  ["alerts", "station_id", "TEXT NOT NULL DEFAULT ''"],
];
