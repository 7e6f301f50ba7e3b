// `npm start`: runs the production server, building it first when there is no build yet, so
// `npm install && npm start` works on a fresh checkout. After pulling changes run `npm run build`.
//
// The first-start build runs quietly: a person starting the app wants to know that it is
// building and how long it took, not Vite's chunk table or SvelteKit's `npm run preview` hint
// (`npm run build` still prints everything). The full log is printed only when the build fails.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const entries = {
  'sync-server': 'build/server/sync-server.js',
  // The remote runner (`npm run start:runner`): needs only its own bundle.
  runner: 'build/server/runner.js'
};
const entry = entries[process.argv[2]] ?? 'build/server/main.js';
const needsApp = entry === 'build/server/main.js' || entry === 'build/server/sync-server.js';

/** Runs `npm run build` with its output captured; resolves to the exit code and the output. */
function buildQuietly() {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', 'build'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks) }));
  });
}

if (!existsSync(entry) || (needsApp && !existsSync('build/handler.js'))) {
  const started = Date.now();
  console.log('runboard: first start, building the app (about a minute)…');
  const { code, output } = await buildQuietly();
  if (code !== 0) {
    process.stderr.write(output);
    console.error(`runboard: the build failed (exit code ${code}); its output is above.`);
    process.exit(code);
  }
  console.log(`runboard: built in ${Math.round((Date.now() - started) / 1000)} s`);
}
await import(pathToFileURL(entry).href);
