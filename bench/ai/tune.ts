/**
 * The sweep the models' default options were chosen by, on the VALIDATION split only (train on
 * days 0–181, test on days 182–272 of the generated year); the test quarter is never read here.
 * Run: `npx esbuild bench/ai/tune.ts --bundle --platform=node --format=esm --packages=external
 * --outfile=node_modules/.cache/tune.mjs && node node_modules/.cache/tune.mjs`.
 */
import { evaluateAnomalies } from '../../src/lib/server/ai/evaluation';
import { FallbackEmbedder, generateDataset, runAiEvaluation } from './ai-eval';
import { SPLITS } from './ai-eval';

const embedder = new FallbackEmbedder();
const line = (name: string, r: Awaited<ReturnType<typeof runAiEvaluation>>) =>
  console.log(
    name.padEnd(44),
    `dur ${r.replay.duration.ratio.toFixed(3)} cal ${r.replay.duration.calibration.toFixed(3)}`,
    `asg ${r.replay.assignee.top1.toFixed(3)}/${r.replay.assignee.top3.toFixed(3)}`,
    `auto ${r.replay.assignee.autoApply.coverage.toFixed(2)}@${r.replay.assignee.autoApply.accuracy.toFixed(2)}`
  );

line('defaults', await runAiEvaluation(embedder, 'validation'));
for (const duration of [
  { spreadScale: 0.9 },
  { spreadScale: 0.92, priorWeight: 0.3, k: 8 },
  { spreadScale: 0.92, priorWeight: 0.4, k: 10 }
])
  line(
    `duration ${JSON.stringify(duration)}`,
    await runAiEvaluation(embedder, 'validation', { replay: { duration } })
  );
for (const assignee of [
  { labelWeight: 0 },
  { labelWeight: 0.25 },
  { labelWeight: 1 },
  { labelWeight: 2 },
  { power: 1, loadPenalty: 0.4 },
  { power: 1, loadPenalty: 0.4, labelWeight: 1 },
  { power: 1, loadPenalty: 0.4, labelWeight: 1, frequencyWeight: 0 },
  { power: 1, loadPenalty: 0.6, labelWeight: 1, k: 25 }
])
  line(
    `assignee ${JSON.stringify(assignee)}`,
    await runAiEvaluation(embedder, 'validation', { replay: { assignee } })
  );

const dataset = generateDataset();
const { trainDays, endDay } = SPLITS.validation;
for (const threshold of [4, 4.5, 5, 6, 7]) {
  const r = evaluateAnomalies(
    dataset.series.filter((s) => s.key.startsWith('service:')),
    trainDays * 24,
    endDay * 24,
    { threshold }
  );
  console.log(
    `anomaly threshold ${threshold}`.padEnd(44),
    `P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)} events ${r.events}`
  );
}

// Label series (sums of services), on the validation days of many seeds (seed 17's test quarter
// is never read): the lowest threshold whose precision stays >= 0.9 became
// LABEL_ANOMALY_OPTIONS.threshold (4.5: P 0.93, R 0.92 against 0.98 / 0.76 at 6).
const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
const labelSets = seeds.map((seed) =>
  generateDataset({ seed, tasksPerWeekday: 0.1, incidentsPerDay: 0.1 }).series.filter((s) =>
    s.key.startsWith('label:')
  )
);
for (const threshold of [3.5, 4, 4.5, 5, 5.5, 6]) {
  let events = 0;
  let trueEvents = 0;
  let windows = 0;
  let found = 0;
  for (const series of labelSets) {
    const r = evaluateAnomalies(series, trainDays * 24, endDay * 24, { threshold });
    events += r.events;
    trueEvents += r.events ? r.precision * r.events : 0;
    windows += r.windows;
    found += r.windows ? r.recall * r.windows : 0;
  }
  console.log(
    `label anomaly threshold ${threshold} (24 seeds)`.padEnd(44),
    `P ${(trueEvents / events).toFixed(3)} R ${(found / windows).toFixed(3)} events ${events}`
  );
}
