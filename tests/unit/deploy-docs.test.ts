/**
 * The deployment guides (docs/deploy, docs/zh-CN/deploy) and the systemd unit they install:
 * every guide in both languages, each with its backups and upgrades, every relative link
 * pointing at a file that exists, every backup command the one the image can run, and the unit
 * starting the same command as the container.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerStages, instruction, npmStartCommand, root } from '../helpers/deploy';

const en = join(root, 'docs/deploy');
const zh = join(root, 'docs/zh-CN/deploy');
const guides = readdirSync(en).filter((f) => f.endsWith('.md'));

describe('the deployment guides', () => {
  it('exist in English and Chinese for every shape the issue names', () => {
    expect(guides.sort()).toEqual(
      [
        'README.md',
        'aws.md',
        'azure.md',
        'compose.md',
        'kubernetes.md',
        'on-prem.md',
        'one-host.md'
      ].sort()
    );
    expect(readdirSync(zh).sort()).toEqual(guides.sort());
  });

  it.each(guides.filter((g) => g !== 'README.md'))(
    '%s covers backups and upgrades in both',
    (guide) => {
      const english = readFileSync(join(en, guide), 'utf8');
      const chinese = readFileSync(join(zh, guide), 'utf8');
      expect(english).toMatch(/^## Backups$/m);
      expect(english).toMatch(/^## Upgrades$/m);
      expect(chinese).toMatch(/^## 备份$/m);
      expect(chinese).toMatch(/^## 升级$/m);
    }
  );

  it('say what was not run, in both languages', () => {
    expect(readFileSync(join(en, 'README.md'), 'utf8')).toMatch(/^\*\*Not run here:\*\*/m);
    expect(readFileSync(join(zh, 'README.md'), 'utf8')).toMatch(/^\*\*这里没有运行的：\*\*/m);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const dir of [en, zh]) {
      for (const guide of readdirSync(dir)) {
        const text = readFileSync(join(dir, guide), 'utf8');
        for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^(https?:|mailto:|#)/.test(target)) continue;
          const path = target.split('#')[0] ?? '';
          if (!existsSync(join(dirname(join(dir, guide)), path)))
            broken.push(`${guide}: ${target}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('back up with the admin bundle the image ships', () => {
    const copied = dockerStages()
      .at(-1)!
      .instructions.some((i) => i.op === 'COPY' && i.args.endsWith('/app/build ./build'));
    expect(copied).toBe(true);
    for (const dir of [en, zh]) {
      for (const guide of readdirSync(dir)) {
        const text = readFileSync(join(dir, guide), 'utf8');
        for (const [command] of text.matchAll(/node \S+ (backup|restore) /g)) {
          expect(command, guide).toMatch(/^node build\/server\/admin\.js /);
        }
      }
    }
  });
});

describe('deploy/systemd/runboard.service', () => {
  const unit = readFileSync(join(root, 'deploy/systemd/runboard.service'), 'utf8');
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

  it('starts what the container starts, as a non-root user, with time to drain', () => {
    const [program, ...args] = value('ExecStart')!.split(' ');
    expect(program).toMatch(/\/node$/);
    expect(['node', ...args]).toEqual(npmStartCommand());
    expect(['node', ...args]).toEqual(JSON.parse(instruction(dockerStages().at(-1)!, 'CMD')!));
    expect(value('User')).toBe('runboard');
    expect(Number(value('TimeoutStopSec'))).toBeGreaterThanOrEqual(35);
    expect(value('ProtectSystem')).toBe('strict');
    expect(value('ReadWritePaths')).toBe(/^Environment=DATA_DIR=(.*)$/m.exec(unit)?.[1]);
  });
});
