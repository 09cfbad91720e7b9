import assert from 'node:assert/strict';
import * as path from 'node:path';
import { installVscodeStub } from '../../support/vscode-stub';
import type { RunMeta } from '../../../src/core/journal/run-meta';
import type { ProviderSettings } from '../../../src/providers/create-provider';

/** What the consent asked the person, and what the fake person answers. */
interface Asked {
  errors: string[];
  warnings: { message: string; detail?: string; modal?: boolean }[];
  commands: string[];
}

const vscode = {
  workspace: { isTrusted: true },
  window: {
    answer: undefined as string | undefined,
    asked: undefined as unknown as Asked,
    async showErrorMessage(message: string, ...items: string[]) {
      this.asked.errors.push(message);
      return items.includes(this.answer ?? '') ? this.answer : undefined;
    },
    async showWarningMessage(message: string, options: { modal?: boolean; detail?: string }, ...items: string[]) {
      this.asked.warnings.push({ message, detail: options.detail, modal: options.modal });
      return items.includes(this.answer ?? '') ? this.answer : undefined;
    },
  },
  commands: {
    async executeCommand(command: string) {
      vscode.window.asked.commands.push(command);
    },
  },
};

type ConsentModule = typeof import('../../../src/extension/history/resume-consent');
const uninstall = installVscodeStub(vscode);
const { consentToResume } = require(path.resolve(__dirname, '../../../src/extension/history/resume-consent.ts')) as ConsentModule;
uninstall();
const targets = require(path.resolve(__dirname, '../../../src/providers/resume-target.ts')) as typeof import('../../../src/providers/resume-target');

function meta(provider: Record<string, unknown> | undefined, providerId = 'offline'): RunMeta {
  return {
    version: 1,
    runId: 'r',
    question: 'q',
    root: '/w',
    reportPath: '/w/.research/r/report.md',
    providerId,
    providerLabel: providerId,
    startedAt: 1,
    options: provider ? { provider } : {},
    status: 'running',
  };
}

const planted = meta({ provider: 'openai', modelConfig: { endpoints: [{ baseUrl: 'http://attacker.example:8080/v1', apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' }], model: 'm' } }, 'openai');
const offline: ProviderSettings = { provider: 'offline' };
const openai: ProviderSettings = { provider: 'openai', model: { openaiBaseUrl: 'https://api.example.com/v1', models: { planner: 'gpt-x' } } };

function ask(answer?: string): Asked {
  vscode.window.answer = answer;
  vscode.window.asked = { errors: [], warnings: [], commands: [] };
  return vscode.window.asked;
}

describe('resuming in VS Code: consent', () => {
  afterEach(() => {
    vscode.workspace.isTrusted = true;
  });

  it('refuses in a workspace that is not trusted, offering to manage trust, and asks nothing else', async () => {
    vscode.workspace.isTrusted = false;
    const asked = ask('Manage Workspace Trust');
    assert.equal(await consentToResume(meta(undefined), offline), false);
    assert.match(asked.errors[0]!, /resuming a run needs a trusted workspace/);
    assert.deepEqual(asked.commands, ['workbench.trust.manage']);
    assert.deepEqual(asked.warnings, []);
  });

  it('an offline run resumed offline goes on without a question', async () => {
    const asked = ask();
    assert.equal(await consentToResume(meta(undefined), offline), true);
    assert.deepEqual(asked.warnings, []);
  });

  it("a run file naming another endpoint: a modal names both and the hosts text goes to; the run file's endpoint is never used", async () => {
    let asked = ask('Resume');
    assert.equal(await consentToResume(planted, openai), true);
    assert.equal(asked.warnings.length, 1);
    assert.equal(asked.warnings[0]!.modal, true);
    assert.match(asked.warnings[0]!.detail!, /It was started with the openai provider at http:\/\/attacker\.example:8080\/v1 \(model m\)\. Your settings now use the openai provider at https:\/\/api\.example\.com\/v1 \(model gpt-x\)\. Text from this folder will be sent to api\.example\.com\./);
    asked = ask(undefined); // the person closes the dialog
    assert.equal(await consentToResume(planted, offline), false);
    assert.match(asked.warnings[0]!.detail!, /Your settings now use offline research/);
  });

  it('text that leaves the machine is confirmed once: not again when the offer already named the same provider', async () => {
    const recorded = meta({ provider: 'openai', modelConfig: { endpoints: [{ baseUrl: 'https://api.example.com/v1/' }], model: 'gpt-x' } }, 'openai');
    let asked = ask(undefined);
    assert.equal(await consentToResume(recorded, openai), false, 'the dialog was dismissed');
    assert.match(asked.warnings[0]!.message, /Resume this run with the openai provider at https:\/\/api\.example\.com\/v1/);
    asked = ask();
    const named = targets.describeTarget(targets.targetOfSettings(openai));
    assert.equal(await consentToResume(recorded, openai, named), true);
    assert.deepEqual(asked.warnings, []);
  });
});

describe('resume targets: what a run file names, read defensively', () => {
  it('any shape of run.json gives a target to show, with nothing unprintable in it', () => {
    for (const provider of [{}, { provider: 42 }, { modelConfig: 'x' }, { modelConfig: { endpoints: [null, 3, { baseUrl: 'javascript:alert(1)' }, { baseUrl: 'http://h/\u001b]0;x\u0007' }] } }, { search: { backend: '\u001b[2J' } }]) {
      const target = targets.targetOfRecord(meta(provider as Record<string, unknown>, 'openai\n## forged'));
      const text = targets.describeTarget(target!);
      assert.doesNotMatch(text, /[\u0000-\u001f\u007f]/, text);
    }
    const target = targets.targetOfRecord(meta({ modelConfig: { endpoints: [{ baseUrl: 'javascript:alert(1)' }, { baseUrl: 'http://user:pw@h:1/v1/' }] } }, 'openai'));
    assert.deepEqual(target!.endpoints, ['(an invalid URL)', 'http://h:1/v1'], 'credentials are not shown; other schemes are invalid');
  });

  it('the same places are the same target whatever the models; another endpoint or search server is not', () => {
    const a = targets.targetOfRecord(meta({ provider: 'openai', modelConfig: { endpoints: [{ baseUrl: 'http://h:1/v1/' }], model: 'one' } }, 'openai'))!;
    const b = targets.targetOfSettings({ provider: 'openai', modelConfig: { endpoints: [{ baseUrl: 'http://h:1/v1', concurrency: 4 }], model: 'two', roles: {}, routes: [], largeInputTokens: 1, prices: {}, budget: {}, health: { failuresBeforeOut: 3, cooldownSeconds: 30 }, maxRateLimitWaitSeconds: 60 } });
    assert.equal(targets.sameTarget(a, b), true);
    const c = targets.targetOfRecord(meta({ provider: 'openai', modelConfig: { endpoints: [{ baseUrl: 'http://h:2/v1' }] } }, 'openai'))!;
    assert.equal(targets.sameTarget(a, c), false);
    const d = targets.targetOfRecord(meta({ provider: 'openai', modelConfig: { endpoints: [{ baseUrl: 'http://h:1/v1' }] }, search: { backend: 'searxng', searxngUrl: 'http://s' } }, 'openai'))!;
    assert.equal(targets.sameTarget(a, d), false);
  });
});
