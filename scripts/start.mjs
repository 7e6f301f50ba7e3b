// `npm start`: runs the production server, building it first when there is no build yet, so
// `npm install && npm start` works on a fresh checkout. After pulling changes run `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const entry =
  process.argv[2] === 'sync-server' ? 'build/server/sync-server.js' : 'build/server/main.js';
if (!existsSync(entry) || !existsSync('build/handler.js')) {
  console.log('runboard: no production build found; running `npm run build` first…');
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
await import(pathToFileURL(entry).href);
