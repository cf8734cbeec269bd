import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeOutputs } from '../../src/cli/report-command.js';
import { RENDERERS } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json.js';
import { writeFileAtomic } from '../../src/report/write.js';
import { validateReport } from '../helpers/report-schema.js';
import { sampleReport } from './sample.js';

const WRITE_JS = join(import.meta.dirname, '../../dist/report/write.js');

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'airgap-top-atomic-'));
}

describe('atomic report writing', () => {
  it('a FIFO target is written through, not replaced by a regular file (as /dev/null would be)', async () => {
    const dir = freshDir();
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    // The reader holds the other end open so the writer's open() returns.
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (d: Buffer) => {
      received += d.toString();
    });
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    writeFileAtomic(fifo, ['{"a":', '1}\n']);
    await done;
    expect(received).toBe('{"a":1}\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('a content source that throws mid-way leaves the good report and no temporary file', () => {
    const dir = freshDir();
    const path = join(dir, 'report.json');
    const good = renderJson(sampleReport());
    writeFileAtomic(path, good);
    function* halfThenThrow() {
      yield good.slice(0, good.length / 2);
      throw new Error('renderer died');
    }
    expect(() => writeFileAtomic(path, halfThenThrow())).toThrow('renderer died');
    expect(readFileSync(path, 'utf8')).toBe(good);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('the report command renders every format before writing any: a throwing renderer changes no file', () => {
    const dir = freshDir();
    const report = sampleReport();
    const files = [
      { format: 'json' as const, path: join(dir, 'report.json') },
      { format: 'html' as const, path: join(dir, 'report.html') },
    ];
    writeOutputs(report, { files, stdout: undefined }, 'fail');
    const before = readFileSync(files[0]?.path ?? '', 'utf8');
    const spy = vi.spyOn(RENDERERS.html, 'render').mockImplementation(() => {
      throw new Error('html renderer bug');
    });
    const changed = { ...report, generatedAt: '2030-01-01T00:00:00.000Z' };
    try {
      expect(() => writeOutputs(changed, { files, stdout: undefined }, 'fail')).toThrow('html renderer bug');
    } finally {
      spy.mockRestore();
    }
    expect(readFileSync(files[0]?.path ?? '', 'utf8')).toBe(before);
    validateReport(before);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
  });

  it('a process killed mid-write leaves the good report whole', { timeout: 30_000 }, async () => {
    expect(existsSync(WRITE_JS), 'dist is built (npx tsc -p tsconfig.build.json)').toBe(true);
    const dir = freshDir();
    const path = join(dir, 'report.json');
    const good = renderJson(sampleReport());
    writeFileAtomic(path, good);
    // The child writes 4 MiB of a new report, says so, then hangs until it is killed.
    const script = `
      import { writeSync } from 'node:fs';
      const { writeFileAtomic } = await import(${JSON.stringify(WRITE_JS)});
      function* chunks() {
        for (let i = 0; i < 4; i++) yield 'x'.repeat(1 << 20);
        writeSync(1, 'HALF\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
        yield 'never';
      }
      writeFileAtomic(${JSON.stringify(path)}, chunks());
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('HALF')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    const temp = readdirSync(dir).filter((n) => n !== 'report.json');
    expect(temp).toHaveLength(1);
    expect(statSync(join(dir, temp[0] ?? '')).size).toBe(4 << 20);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(readFileSync(path, 'utf8')).toBe(good);
    validateReport(readFileSync(path, 'utf8'));
    // The next run replaces it normally.
    writeFileAtomic(path, '{}\n');
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
  });
});

describe('chunked writing is byte-for-byte the joined text', () => {
  const MB = 1 << 20;
  const cases: { name: string; chunks: string[] }[] = [
    { name: 'no chunks', chunks: [] },
    { name: 'empty chunks among others', chunks: ['', 'a', '', 'b', ''] },
    { name: 'ASCII, many small pieces', chunks: Array.from({ length: 5000 }, (_, i) => `{"i":${i}},\n`) },
    { name: 'multi-byte text', chunks: ['héllo ', '“quoted”', ' 日本語 ', 'end'] },
    { name: 'a surrogate pair split between two pieces', chunks: ['emoji: \ud83d', '\ude00 done'] },
    { name: 'a pair split at the very end', chunks: ['tail \ud83d', '\ude00'] },
    { name: 'a lone high surrogate at the end (U+FFFD, as joined)', chunks: ['lone \ud83d'] },
    { name: 'a lone high surrogate before ASCII', chunks: ['a\ud83d', 'b'] },
    { name: 'a lone low surrogate', chunks: ['\ude00x'] },
    {
      name: 'a multi-byte piece with fewer bytes left than it needs',
      chunks: ['a'.repeat(MB - 10), '日'.repeat(5)],
    },
    { name: 'one piece larger than the write buffer', chunks: ['x'.repeat(MB + 17)] },
    {
      name: 'pieces that cross the buffer boundary, multi-byte at the edge',
      chunks: [
        'a'.repeat(MB / 3 - 1),
        'é'.repeat(MB / 6),
        '日'.repeat(MB / 9),
        'z'.repeat(MB),
        '\ud83d',
        '\ude00',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const path = join(freshDir(), 'out.txt');
      writeFileAtomic(path, c.chunks);
      expect(readFileSync(path).equals(Buffer.from(c.chunks.join(''), 'utf8'))).toBe(true);
    });
  }
  it('a string content as well', () => {
    const path = join(freshDir(), 'out.txt');
    writeFileAtomic(path, 'é\ud83d\ude00\ud83d');
    expect(readFileSync(path).equals(Buffer.from('é\ud83d\ude00\ud83d', 'utf8'))).toBe(true);
  });
});
