import { saveReport } from '../../src/db/reports.js';
import { REPORT_REASONS, type ReportKind, type ReportReason } from '../../src/forms/report.js';
import { testPool } from './database.js';
import { createUser } from './factories.js';

/** A report filed as the report forms file it (saveReport); a new reporter unless one is given. */
export async function fileReport(kind: ReportKind, targetId: number, ownerId: number, options: { reason?: ReportReason; reporterId?: number; text?: string; seconds?: number | null } = {}): Promise<void> {
  const reason = options.reason ?? 'spam';
  const reporterId = options.reporterId ?? (await createUser()).id;
  await saveReport(testPool(), {
    reporterId, kind, targetId, targetOwnerId: ownerId, reason, severity: REPORT_REASONS[reason].severity, text: options.text ?? '', videoTimeSeconds: options.seconds ?? null,
  });
}

/** The open item about a thing, or null. */
export async function openItemId(kind: ReportKind, targetId: number): Promise<number | null> {
  const { rows } = await testPool().query(`SELECT id FROM report_items WHERE target_kind = $1 AND target_id = $2 AND status = 'open'`, [kind, targetId]);
  return rows[0]?.id ?? null;
}

/** Reports the thing (a new reporter) and returns its open item's id. */
export async function reportedItem(kind: ReportKind, targetId: number, ownerId: number, options: { reason?: ReportReason; seconds?: number | null; text?: string } = {}): Promise<number> {
  await fileReport(kind, targetId, ownerId, options);
  return (await openItemId(kind, targetId))!;
}

/** A role of its own holding exactly `permissions` (a custom role), given to a new account. */
export async function createUserWithPermissions(permissions: string[]) {
  const name = `custom-${process.pid % 10000}-${Math.random().toString(36).slice(2, 8)}`;
  await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'A custom role of a test')`, [name]);
  for (const p of permissions) await testPool().query('INSERT INTO role_permissions (role, permission) VALUES ($1, $2)', [name, p]);
  return createUser({ roles: [name] });
}
