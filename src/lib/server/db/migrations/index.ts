import type { DialectSql } from '../dialect';
import { sql as documents } from './0001-documents';
import { sql as accounts } from './0002-accounts';
import { sql as taskKeys } from './0003-task-keys';
import { sql as runbooks } from './0004-runbooks';
import { sql as fileContents } from './0005-file-contents';
import { sql as taskActivity } from './0006-task-activity';
import { sql as taskArchive } from './0007-task-archive';
import { sql as documentGenerations } from './0008-document-generations';
import { sql as taskCards } from './0009-task-cards';
import { sql as alerts } from './0010-alerts';
import { sql as notifications } from './0011-notifications';
import { sql as oncall } from './0012-oncall';
import { sql as alertRouting } from './0013-alert-routing';
import { sql as cmdb } from './0014-cmdb';
import { sql as changes } from './0015-changes';
import { sql as automation } from './0016-automation';
import { sql as reportIndexes } from './0017-report-indexes';
import { sql as weeklyReports } from './0019-weekly-reports';
import { sql as reportFilters } from './0021-report-filters';
import { sql as outboxClaimer } from './0024-outbox-claimer';
import { sql as aiItems } from './0018-ai-items';
import { sql as aiAnomalies } from './0022-ai-anomalies';
import { sql as aiEvaluations } from './0023-ai-evaluations';
import { sql as taskKeyAssignments } from './0025-task-key-assignments';

export interface Migration {
  version: number;
  name: string;
  /** The migration's SQL in the given dialect (see ../dialect.ts for what differs). */
  sql: (dialect: DialectSql) => string;
}

/**
 * The numbered migrations, one history for SQLite and PostgreSQL, applied in order at start.
 * A migration is never edited once it has shipped: add a new numbered file instead. (Versions
 * 1–4 were rewritten against dialect.ts when PostgreSQL arrived; on SQLite they render the
 * same schema as before.)
 */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'documents', sql: documents },
  { version: 2, name: 'accounts', sql: accounts },
  { version: 3, name: 'task-keys', sql: taskKeys },
  { version: 4, name: 'runbooks', sql: runbooks },
  { version: 5, name: 'file-contents', sql: fileContents },
  { version: 6, name: 'task-activity', sql: taskActivity },
  { version: 7, name: 'task-archive', sql: taskArchive },
  { version: 8, name: 'document-generations', sql: documentGenerations },
  { version: 9, name: 'task-cards', sql: taskCards },
  { version: 10, name: 'alerts', sql: alerts },
  { version: 11, name: 'notifications', sql: notifications },
  { version: 12, name: 'oncall', sql: oncall },
  { version: 13, name: 'alert-routing', sql: alertRouting },
  { version: 14, name: 'cmdb', sql: cmdb },
  { version: 15, name: 'changes', sql: changes },
  { version: 16, name: 'automation', sql: automation },
  { version: 17, name: 'report-indexes', sql: reportIndexes },
  { version: 18, name: 'ai-items', sql: aiItems },
  { version: 19, name: 'weekly-reports', sql: weeklyReports },
  { version: 21, name: 'report-filters', sql: reportFilters },
  { version: 22, name: 'ai-anomalies', sql: aiAnomalies },
  { version: 23, name: 'ai-evaluations', sql: aiEvaluations },
  { version: 24, name: 'outbox-claimer', sql: outboxClaimer },
  { version: 25, name: 'task-key-assignments', sql: taskKeyAssignments }
];
