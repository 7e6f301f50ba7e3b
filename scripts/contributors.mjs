// `npm run contributors`: writes CONTRIBUTORS.md from the git history: every commit author and
// every `Co-authored-by:` trailer, in order of first contribution, names as `.mailmap` spells
// them. The release process runs it (docs/releasing.md); `--check` exits 1 when the file is
// out of date, without writing.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const FILE = 'CONTRIBUTORS.md';

/** Authors and co-authors, oldest first, each once (by e-mail, case-insensitive). */
function contributors() {
  const log = execFileSync(
    'git',
    [
      'log',
      '--reverse',
      '--use-mailmap',
      '--format=%aN <%aE>%n%(trailers:key=Co-authored-by,valueonly)'
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  );
  const seen = new Map();
  for (const line of log.split('\n')) {
    const match = /^\s*(.+?)\s*<([^>]+)>\s*$/.exec(line);
    if (!match) continue;
    const [, name, email] = match;
    const key = email.toLowerCase();
    if (!seen.has(key)) seen.set(key, name);
  }
  return [...seen.values()];
}

const names = contributors();
const text = [
  '# Contributors',
  '',
  'Everyone who has contributed a commit to Runboard, in order of first contribution. This file',
  'is generated from the git history by `npm run contributors` at every release',
  '(docs/releasing.md); names follow `.mailmap`. Thank you.',
  '',
  '感谢每一位贡献者（按首次提交的时间排序；发布时由 `npm run contributors` 根据 git 历史生成）。',
  '',
  ...names.map((name) => `- ${name}`),
  ''
].join('\n');

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(FILE, 'utf8');
  } catch {
    // A missing file is out of date.
  }
  if (current !== text) {
    console.error(`${FILE} is out of date: run \`npm run contributors\``);
    process.exit(1);
  }
  console.log(`${FILE} is current (${names.length} contributors)`);
} else {
  writeFileSync(FILE, text);
  console.log(`${FILE}: ${names.length} contributors`);
}
