/**
 * AWX (and Ansible Tower) surveys as Runboard job parameters, for import: a job template's
 * `survey_spec` (`{ name, description, spec: [question, …] }`, also accepted alone as the
 * question array, or inside an object that has a `survey_spec`).
 *
 * | AWX `type` | parameter |
 * |---|---|
 * | `text`, `textarea` | `string`; `min`/`max` stay length bounds |
 * | `password` | `secret`; its default is dropped (AWX exports it as `$encrypted$`, and a secret has none) |
 * | `integer` | `integer`, with `min`/`max` |
 * | `multiplechoice` | `choice`; `choices` as an array or AWX's newline-separated text |
 * | `float` | `string` (Runboard has no decimal type): the value reaches the playbook as text, use `\| float`; `min`/`max` are dropped, the description says so |
 * | `multiselect` | refused: Runboard has no list parameter; make it one `choice`, or `string` of comma-separated values |
 *
 * `variable` becomes the name, `question_name` the label, `question_description` the
 * description. Every problem is reported at once with the question's index (−1: the survey).
 */
import { z } from 'zod';
import {
  checkParameter,
  jobParameterSchema,
  optionEnvName,
  PARAMETER_NAME,
  type JobParameter,
  type ParameterValue
} from './schema';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const awxQuestionSchema = z.looseObject({
  variable: z.string().min(1, 'needs a variable name'),
  question_name: z.string().optional().nullable(),
  question_description: z.string().optional().nullable(),
  type: z.string(),
  required: z.boolean().optional().nullable(),
  default: z.union([scalar, z.array(z.string())]).optional(),
  choices: z.union([z.array(z.union([z.string(), z.number()])), z.string(), z.null()]).optional(),
  min: z.union([z.number(), z.string(), z.null()]).optional(),
  max: z.union([z.number(), z.string(), z.null()]).optional()
});
export type AwxQuestion = z.infer<typeof awxQuestionSchema>;

export const awxSurveySchema = z.looseObject({
  name: z.string().optional().nullable(),
  description: z.string().optional().nullable(),
  spec: z.array(z.unknown())
});

export interface SurveyIssue {
  /** The question's index in `spec`; −1 for the survey as a whole. */
  index: number;
  message: string;
}

export type SurveyImport =
  { ok: true; parameters: JobParameter[] } | { ok: false; issues: SurveyIssue[] };

/** AWX's bound as an integer, or undefined (AWX writes them as numbers or digit strings). */
function bound(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function choicesOf(value: AwxQuestion['choices']): string[] {
  const list = typeof value === 'string' ? value.split('\n') : (value ?? []).map(String);
  return [...new Set(list.map((c) => c.trim()).filter((c) => c !== ''))];
}

function text(value: string | null | undefined, max: number): string | undefined {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return undefined;
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** One AWX question as a parameter, or why not. */
function fromQuestion(q: AwxQuestion): { parameter: JobParameter } | { message: string } {
  const name = q.variable.trim();
  if (!PARAMETER_NAME.test(name)) {
    return {
      message: `variable "${name}" is not a valid parameter name (letters, digits and _, not starting with a digit, at most 64)`
    };
  }
  const parameter: JobParameter = { name, type: 'string' };
  const label = text(q.question_name, 200);
  if (label) parameter.label = label;
  let description = text(q.question_description, 2000);
  if (q.required) parameter.required = true;
  let min = bound(q.min);
  let max = bound(q.max);
  let fallback: ParameterValue | undefined =
    q.default === null || q.default === undefined || q.default === '' || Array.isArray(q.default)
      ? undefined
      : q.default;

  switch (q.type) {
    case 'text':
    case 'textarea':
      parameter.type = 'string';
      if (fallback !== undefined) fallback = String(fallback);
      break;
    case 'password':
      parameter.type = 'secret';
      fallback = undefined;
      break;
    case 'integer':
      parameter.type = 'integer';
      break;
    case 'float':
      parameter.type = 'string';
      description = text(
        [description, '(AWX float: passed as text; use `| float` in the playbook.)']
          .filter(Boolean)
          .join(' '),
        2000
      );
      if (fallback !== undefined) fallback = String(fallback);
      min = undefined;
      max = undefined;
      break;
    case 'multiplechoice': {
      parameter.type = 'choice';
      parameter.choices = choicesOf(q.choices);
      if (parameter.choices.length === 0)
        return { message: 'a multiplechoice question has no choices' };
      min = undefined;
      max = undefined;
      if (fallback !== undefined) fallback = String(fallback);
      break;
    }
    case 'multiselect':
      return {
        message:
          'multiselect has no Runboard equivalent (no list parameters): make it a multiplechoice, or a text question of comma-separated values'
      };
    default:
      return { message: `unknown question type "${q.type}"` };
  }
  if (min !== undefined) parameter.min = min;
  if (max !== undefined) parameter.max = max;
  if (description) parameter.description = description;
  if (fallback !== undefined) {
    const checked = checkParameter(parameter, fallback);
    if (!checked.ok) return { message: `default ${JSON.stringify(fallback)} ${checked.message}` };
    parameter.default = checked.value;
  }
  const valid = jobParameterSchema.safeParse(parameter);
  if (!valid.success) return { message: valid.error.issues.map((i) => i.message).join('; ') };
  return { parameter: valid.data };
}

/** An AWX survey (see the module comment) as job parameters, or every problem with it. */
export function fromAwxSurvey(spec: unknown): SurveyImport {
  let input = spec;
  if (Array.isArray(input)) input = { spec: input };
  else if (input !== null && typeof input === 'object' && 'survey_spec' in input) {
    input = (input as { survey_spec: unknown }).survey_spec;
  }
  const survey = awxSurveySchema.safeParse(input);
  if (!survey.success) {
    return {
      ok: false,
      issues: [
        {
          index: -1,
          message: 'not an AWX survey: expected { name, description, spec: [questions] }'
        }
      ]
    };
  }
  const issues: SurveyIssue[] = [];
  const parameters: JobParameter[] = [];
  const envNames = new Map<string, number>();
  if (survey.data.spec.length > 100) {
    issues.push({ index: -1, message: 'a job has at most 100 parameters' });
  }
  for (const [index, raw] of survey.data.spec.entries()) {
    const question = awxQuestionSchema.safeParse(raw);
    if (!question.success) {
      const first = question.error.issues[0];
      const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
      issues.push({ index, message: `${where}${first?.message ?? 'not a survey question'}` });
      continue;
    }
    const converted = fromQuestion(question.data);
    if ('message' in converted) {
      issues.push({ index, message: converted.message });
      continue;
    }
    const env = optionEnvName(converted.parameter.name);
    const earlier = envNames.get(env);
    if (earlier !== undefined) {
      issues.push({
        index,
        message: `"${converted.parameter.name}" repeats question ${earlier + 1} (${env})`
      });
      continue;
    }
    envNames.set(env, index);
    parameters.push(converted.parameter);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, parameters };
}
