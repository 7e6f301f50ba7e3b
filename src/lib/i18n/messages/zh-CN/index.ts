/**
 * Simplified Chinese UI messages, composed from one module per area. Each area is typed against
 * its English counterpart, so a missing or extra key, or a dropped `{param}`, fails the type
 * check in the area where it happens. Loaded on demand (see ../../load-messages.ts).
 */
import type { Messages } from '../en';
import { account } from './account';
import { alerts } from './alerts';
import { apiDocs } from './api-docs';
import { automationCore } from './automation-core';
import { automationRunner } from './automation-runner';
import { automationNotify } from './automation-notify';
import { archive } from './archive';
import { automation } from './automation';
import { automationRuns } from './automation-runs';
import { audit } from './audit';
import { auth } from './auth';
import { board } from './board';
import { changes } from './changes';
import { changesUi } from './changes-ui';
import { reports } from './reports';
import { weeklyReport } from './weekly-report';
import { ai } from './ai';
import { aiAsk } from './ai-ask';
import { reportsPage } from './reports-page';
import { aiPredict } from './ai-predict';
import { aiAnomalies } from './ai-anomalies';
import { aiBoard } from './ai-board';
import { aiEvaluation } from './ai-evaluation';
import { channels } from './channels';
import { cmdb } from './cmdb';
import { cmdbImport } from './cmdb-import';
import { historyImport } from './import';
import { common } from './common';
import { errors } from './errors';
import { list } from './list';
import { notify } from './notify';
import { offline } from './offline';
import { oncall } from './oncall';
import { cmdbApi } from './cmdb-api';
import { rebase } from './rebase';
import { runbooks } from './runbooks';
import { task } from './task';
import { workspace } from './workspace';

/** The Chinese catalog: every area in one object. */
export const zhCN: Messages = {
  ...common,
  ...board,
  ...list,
  ...archive,
  ...task,
  ...offline,
  ...runbooks,
  ...apiDocs,
  ...auth,
  ...account,
  ...workspace,
  ...audit,
  ...alerts,
  ...oncall,
  ...cmdb,
  ...cmdbApi,
  ...channels,
  ...changes,
  ...changesUi,
  ...reports,
  ...weeklyReport,
  ...ai,
  ...aiAsk,
  ...reportsPage,
  ...aiPredict,
  ...aiAnomalies,
  ...aiBoard,
  ...aiEvaluation,
  ...automationCore,
  ...automationRunner,
  ...automationNotify,
  ...rebase,
  ...notify,
  ...cmdbImport,
  ...historyImport,
  ...automation,
  ...automationRuns,
  ...errors
};
