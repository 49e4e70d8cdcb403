-- One audit log: quota and budget denials (written to governance_audit by 0004) join policy
-- denials and key events in audit_log, with the same RFC 3339 timestamps.
INSERT INTO audit_log (at, user_name, team, event, detail)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', at_ms / 1000, 'unixepoch'), user_name, team, event, detail
FROM governance_audit
ORDER BY id;

DROP TABLE governance_audit;
