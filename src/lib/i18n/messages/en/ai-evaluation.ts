/**
 * English messages of the AI's self-evaluation on a workspace's own history
 * (docs/ai-models.md "Evaluate on your own data"): the admin page and its operations.
 */
export const aiEvaluation = {
  'apiDocs.op.startAiEvaluation': 'Evaluate the AI on the workspace’s own history',
  'apiDocs.op.getAiEvaluation': 'The AI’s evaluation on the workspace’s own history',

  'aiEval.link': 'Evaluate the AI on this workspace’s data',
  'aiEval.eyebrow': 'Settings · AI',
  'aiEval.title': 'Evaluation on your own data',
  'aiEval.intro':
    'Replays this workspace’s finished work in time order: the models learn from the past and are tested on the work that came after, then compared with plain baselines. It tells you how much to trust the suggestions here.',
  'aiEval.back': 'Back to settings',
  'aiEval.forbidden.title': 'Only admins can evaluate the AI',
  'aiEval.forbidden.body':
    'Ask an admin or the owner of this workspace to run the evaluation. Your role does not allow it.',
  'aiEval.run': 'Run the evaluation',
  'aiEval.running': 'Running…',
  'aiEval.rerun': 'Run again',
  'aiEval.split': 'Test on work created from',
  'aiEval.splitHint':
    'Optional. Empty: the last quarter of the finished work is the test, the rest is learnt from.',
  'aiEval.phase.reading': 'Reading the history…',
  'aiEval.phase.embedding': 'Embedding the texts: {done} of {total}',
  'aiEval.phase.replaying': 'Replaying in time order: {percent}%',
  'aiEval.empty':
    'Not run yet. Runs take from seconds to a few minutes on large histories; the server keeps answering meanwhile.',
  'aiEval.tooLittle':
    'There is too little finished work to evaluate yet. The evaluation needs at least {needed} finished tasks and incidents, {perSide} of them before the split and {perSide} after it. This workspace has {found} ({before} before, {after} after).',
  'aiEval.tooLittleHint': 'Import past work (Settings → History import) or finish more work first.',
  'aiEval.failed': 'The evaluation failed: {message}',
  'aiEval.loadFailed': 'The evaluation could not be loaded.',
  'aiEval.ran': 'Last run {when}',
  'aiEval.items': 'History items',
  'aiEval.trained': 'Learnt from',
  'aiEval.tested': 'Tested on',
  'aiEval.splitAt': 'Split date',
  'aiEval.splitDefault': 'last quarter',
  'aiEval.splitChosen': 'chosen',
  'aiEval.baseline': 'Baseline',
  'aiEval.model': 'Model',

  'aiEval.similar.title': 'Similar work',
  'aiEval.similar.recall': 'recall@5',
  'aiEval.similar.cross': 'recall@5 across Chinese and English',
  'aiEval.similar.how':
    'A hit: among the five most similar earlier items is one of the same kind with the same labels. Label your work consistently for a sharper figure.',
  'aiEval.similar.queries.one': 'Scored on {count} item',
  'aiEval.similar.queries.other': 'Scored on {count} items',
  'aiEval.similar.none':
    'No labelled items in the test period: similar work is scored by labels, so it cannot be judged here.',

  'aiEval.duration.title': 'Duration',
  'aiEval.duration.mae': 'Error of the prediction (MAE)',
  'aiEval.duration.baseline': 'Error of the median duration',
  'aiEval.duration.ratio': 'Ratio (target ≤ 0.7)',
  'aiEval.duration.calibration': 'Actual durations inside p10–p90 (ideal 0.8)',
  'aiEval.duration.scored.one': 'Scored on {count} finished item',
  'aiEval.duration.scored.other': 'Scored on {count} finished items',

  'aiEval.assignee.title': 'Assignee',
  'aiEval.assignee.top1': 'Right first choice (top-1)',
  'aiEval.assignee.top3': 'Right person in the top three (top-3)',
  'aiEval.assignee.baselineNote': 'Baseline: the most frequent assignees so far.',
  'aiEval.assignee.scored.one': 'Scored on {count} assigned item',
  'aiEval.assignee.scored.other': 'Scored on {count} assigned items',

  'aiEval.verdict.duration.trust': 'Beats its baseline by {percent}% — trust the duration ranges.',
  'aiEval.verdict.duration.hint':
    'Beats its baseline by {percent}% — take the duration ranges as a rough hint.',
  'aiEval.verdict.duration.ignore':
    'Does not beat its baseline yet — ignore the duration suggestion.',
  'aiEval.verdict.duration.unknown': 'No finished work in the test period to judge it by.',
  'aiEval.verdict.assignee.trust':
    'The right person is in its top three {top3} of the time, against {baseline} for the baseline — trust the assignee suggestions.',
  'aiEval.verdict.assignee.hint':
    'The right person is in its top three {top3} of the time, against {baseline} for the baseline — use the assignee suggestions as a hint.',
  'aiEval.verdict.assignee.ignore':
    'Does not beat its baseline yet ({top3} against {baseline}) — ignore the assignee suggestion.',
  'aiEval.verdict.assignee.unknown': 'No assigned work in the test period to judge it by.',
  'aiEval.verdict.similar.trust':
    'Finds related past work {percent}% of the time — trust the similar items.',
  'aiEval.verdict.similar.hint':
    'Finds related past work {percent}% of the time — check the similar items before relying on them.',
  'aiEval.verdict.similar.ignore':
    'Finds related past work only {percent}% of the time — ignore the similar items for now.',
  'aiEval.calibration.good': 'The ranges are well calibrated.',
  'aiEval.calibration.narrow':
    'The ranges are too narrow: more actual durations fall outside them than should.',
  'aiEval.calibration.wide': 'The ranges are wider than they need to be.'
} as const;
