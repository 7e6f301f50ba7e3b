/**
 * English UI messages, composed from one module per area: the source of keys. Every other
 * locale is typed against the English areas, so a missing or extra key is a compile error.
 * `{name}` marks a parameter filled by `t()`. Loaded on demand (see `loadMessages` in
 * ../../load-messages.ts); elsewhere import only types from here.
 */
import type { ParamNames, Translation } from '../types';
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

export type { ParamNames } from '../types';

/** The English catalog: every area in one object, the source of `MessageKey`. */
export const en = {
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
} as const;

/** Keys of the UI messages. */
export type MessageKey = keyof typeof en;

/** The parameters of message `K`, by name. */
export type MessageParams<K extends MessageKey> = Record<
  ParamNames<(typeof en)[K]>,
  string | number
>;

/**
 * Base keys of messages that come in plural forms: `<base>.one` and `<base>.other`, chosen by
 * the `count` parameter (see `I18n.tn`).
 */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer B}.other`
    ? `${B}.one` extends MessageKey
      ? B
      : never
    : never;
}[MessageKey];

/** The parameters of plural message `B`: those of both forms, with `count` a number. */
export type PluralParams<B extends PluralKey> = MessageParams<`${B}.one`> &
  MessageParams<`${B}.other`> & { count: number };

/** Arguments after the key: the parameters object exactly when the message has `{params}`. */
export type TranslateArgs<K extends MessageKey> = [ParamNames<(typeof en)[K]>] extends [never]
  ? []
  : [params: MessageParams<K>];

/** The shape every locale's messages must have: exactly the English keys, same parameters. */
export type Messages = Translation<typeof en>;
