/** English messages of predictions on the board and suggestions when assigning (docs/ai.md). */
export const aiBoard = {
  'apiDocs.op.listTaskPredictions': 'Predicted durations and due-date risk of open tasks',
  'aiBoard.short.minutes': '{n}m',
  'aiBoard.short.hours': '{n}h',
  'aiBoard.short.days': '{n}d',
  'aiBoard.chip': '~{p50} ({p10}–{p90})',
  'aiBoard.chip.label': 'Predicted time to done: likely {p50}, between {p10} and {p90}',
  'aiBoard.risk.late': 'Likely late',
  'aiBoard.risk.late.tooltip': 'Likely done after the due date: p50 {date}',
  'aiBoard.risk.atRisk': 'Due date at risk',
  'aiBoard.risk.atRisk.tooltip':
    'May be done after the due date: p50 {date}, but up to {p90} from creation',
  'aiBoard.option.predictions': 'Predictions',
  'aiBoard.option.predictions.hint': 'Show predicted durations and due-date risk on the cards',
  'aiBoard.filter.atRisk': 'At risk',
  'aiBoard.filter.atRisk.hint': 'Only cards likely to miss their due date',
  'aiBoard.assign.suggested': 'Suggested',
  'aiBoard.assign.suggestedLow': 'Suggested (low confidence)',
  'aiBoard.assign.option': '{name} — {reason} · {confidence}',
  'aiBoard.assign.lowConfidence': 'low confidence'
} as const;
