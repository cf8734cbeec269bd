import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

/**
 * Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in,
 * fd 4 out, NUL-separated JSON), so no port is opened and no dependency is needed. Network-related
 * background services are switched off: the page under test must load with nothing but its file.
 */
export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((
    method: string,
    params: Record<string, unknown>,
    sessionId?: string,
  ) => void)[] = [];
  private buffer = '';
  stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), 'airgap-top-chromium-'));
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-extensions',
        '--disable-default-apps',
        '--no-first-run',
        '--no-default-browser-check',
        '--hide-scrollbars',
        '--mute-audio',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const browser = new Chromium(child, profile);
    child.stderr?.on('data', (d: Buffer) => {
      browser.stderr = (browser.stderr + d.toString()).slice(-4000);
    });
    const out = child.stdio[4] as Readable;
    out.on('data', (chunk: Buffer) => browser.receive(chunk.toString('utf8')));
    child.on('exit', () => {
      for (const p of browser.pending.values()) p.reject(new Error(`chromium exited: ${browser.stderr}`));
      browser.pending.clear();
    });
    await browser.send('Browser.getVersion');
    return browser;
  }

  private receive(text: string): void {
    this.buffer += text;
    let end = this.buffer.indexOf('\0');
    while (end >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) p?.reject(new Error(message.error.message));
        else p?.resolve(message.result ?? {});
      } else if (message.method) {
        for (const l of this.listeners) l(message.method, message.params ?? {}, message.sessionId);
      }
      end = this.buffer.indexOf('\0');
    }
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Resolves with the params of the first matching event. */
  waitFor(method: string, sessionId?: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      const listener = (m: string, params: Record<string, unknown>, s?: string) => {
        if (m !== method || (sessionId && s !== sessionId)) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(params);
      };
      this.listeners.push(listener);
    });
  }

  onEvent(listener: (method: string, params: Record<string, unknown>, sessionId?: string) => void): void {
    this.listeners.push(listener);
  }

  /** A new tab; returns a page handle bound to its session. */
  async newPage(options: { javascript?: boolean; width?: number; height?: number } = {}): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as {
      targetId: string;
    };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Network.enable');
    await page.send('Emulation.setDeviceMetricsOverride', {
      width: options.width ?? 1280,
      height: options.height ?? 900,
      deviceScaleFactor: 1,
      mobile: false,
    });
    if (options.javascript === false)
      await page.send('Emulation.setScriptExecutionDisabled', { value: true });
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  /** Every URL the page asked the network stack for. */
  readonly requests: string[] = [];
  readonly consoleErrors: string[] = [];

  constructor(
    private readonly browser: Chromium,
    readonly sessionId: string,
  ) {
    browser.onEvent((method, params, s) => {
      if (s !== sessionId) return;
      if (method === 'Network.requestWillBeSent') {
        this.requests.push(String((params.request as { url: string }).url));
      }
      if (method === 'Runtime.exceptionThrown')
        this.consoleErrors.push(JSON.stringify(params.exceptionDetails));
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    await this.send('Runtime.enable');
    const loaded = this.browser.waitFor('Page.loadEventFired', this.sessionId);
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates an expression in the page (works with page scripts disabled too) and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })) as {
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) {
      throw new Error(
        `evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
      );
    }
    return r.result.value;
  }

  /** A real mouse click at the centre of the element (as a person would; needs no page script). */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
    );
    if (!box) throw new Error(`no element ${selector}`);
    for (const type of ['mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', {
        type,
        x: box.x,
        y: box.y,
        button: 'left',
        clickCount: 1,
      });
    }
  }

  async screenshot(fullPage = false): Promise<Buffer> {
    const r = (await this.send('Page.captureScreenshot', {
      format: 'png',
      captureBeyondViewport: fullPage,
    })) as {
      data: string;
    };
    return Buffer.from(r.data, 'base64');
  }
}
