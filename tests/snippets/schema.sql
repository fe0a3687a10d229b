-- The small schema the SQL snippets of the shipped bank are planned against.
-- Only what their statements name: pg_stat_statements and the help-desk tickets table.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

CREATE TABLE tickets (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  bigint      NOT NULL,
  subject    text        NOT NULL,
  priority   smallint    NOT NULL DEFAULT 3,
  status     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The two single-column indexes the open-tickets question starts from
CREATE INDEX tickets_tenant_id_idx ON tickets (tenant_id);
CREATE INDEX tickets_status_idx ON tickets (status);

INSERT INTO tickets (tenant_id, subject, priority, status, created_at)
SELECT 1 + g % 200, 'ticket ' || g, 1 + g % 5,
       CASE WHEN g % 33 = 0 THEN 'open' ELSE 'closed' END,
       now() - g * interval '1 minute'
FROM generate_series(1, 20000) AS g;
ANALYZE tickets;
