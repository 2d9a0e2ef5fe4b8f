-- The gateway's own state: API keys and data templates. Gateway instances are stateless; they
-- share this database (by default a schema on the order store's server).

-- API keys. The secret part of a key is never stored: only its SHA-256 (keys carry 256 random
-- bits, so a slow password hash would add nothing). `scopes` is the JSON form of KeyScopes.
CREATE TABLE api_keys (
  key_id       VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  secret_hash  BINARY(32)   NOT NULL,
  name         VARCHAR(200) NOT NULL,
  scopes       TEXT         NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  created_by   VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NULL,
  revoked_at   DATETIME(3)  NULL,
  PRIMARY KEY (key_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Data templates, one row per version. A template is never updated in place: a change is a new
-- version, and deleting a template marks every version deleted (responses that named a version
-- stop resolving it).
CREATE TABLE templates (
  name         VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version      INT          NOT NULL,
  body         MEDIUMTEXT   NOT NULL,
  created_at   DATETIME(3)  NOT NULL,
  created_by   VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  deleted_at   DATETIME(3)  NULL,
  PRIMARY KEY (name, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
