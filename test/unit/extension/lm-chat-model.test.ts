/**
 * The VS Code language-model ChatModel driven end to end with fakes of the documented shapes
 * (vscode.d.ts 1.99): no language model can be installed in the offline VS Code.
 */
import assert from 'node:assert/strict';
import { PermanentError, RetryableError } from '../../../src/core/errors';
import { createLmChatModel, LM_JUSTIFICATION, type LmApi, type LmChat } from '../../../src/extension/lm/lm-chat-model';
import type { LmMessage } from '../../../src/extension/lm/lm-translate';

interface FakeToken {
  isCancellationRequested: boolean;
}

interface Call {
  messages: LmMessage[];
  options: { justification?: string };
  token: FakeToken;
}

function languageModelError(code: string): Error {
  return Object.assign(new Error(`${code} happened`), { name: 'LanguageModelError', code });
}

/** A fake model whose answer streams `pieces`; `hold` makes it wait after the first piece until cancelled. */
function fakeModel(pieces: string[], behaviour: { fail?: unknown; failMidStream?: unknown; hold?: boolean; countFails?: boolean } = {}) {
  const calls: Call[] = [];
  const model: LmChat<LmMessage, FakeToken> = {
    name: 'Fake 4o',
    vendor: 'fake',
    family: 'f-4o',
    async sendRequest(messages, options, token) {
      calls.push({ messages, options, token });
      if (behaviour.fail) throw behaviour.fail;
      return {
        text: (async function* () {
          for (const [i, piece] of pieces.entries()) {
            yield piece;
            if (i === 0 && behaviour.failMidStream) throw behaviour.failMidStream;
            if (i === 0 && behaviour.hold) {
              for (let n = 0; n < 500 && !token.isCancellationRequested; n++) await new Promise((r) => setTimeout(r, 2));
              return;
            }
          }
        })(),
      };
    },
    async countTokens(text) {
      if (behaviour.countFails) throw new Error('no tokenizer');
      return typeof text === 'string' ? text.split(/\s+/).filter(Boolean).length : text.content.split(/\s+/).filter(Boolean).length;
    },
  };
  return { model, calls };
}

function fakeApi(models: Array<LmChat<LmMessage, FakeToken>>, canSend?: boolean | undefined) {
  const selectors: unknown[] = [];
  const cancellations: FakeToken[] = [];
  const api: LmApi<LmMessage, FakeToken> = {
    async selectChatModels(selector) {
      selectors.push(selector);
      return selector && Object.keys(selector).length ? models.filter((m) => (!selector.vendor || m.vendor === selector.vendor) && (!selector.family || m.family === selector.family)) : models;
    },
    createMessage: (m) => ({ ...m }),
    createCancellation() {
      const token = { isCancellationRequested: false };
      cancellations.push(token);
      return { token, cancel: () => void (token.isCancellationRequested = true), dispose: () => undefined };
    },
    ...(canSend !== undefined && { canSendRequest: () => canSend }),
  };
  return { api, selectors, cancellations };
}

const ask = (signal = new AbortController().signal, onText?: (d: string) => void) => ({
  messages: [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'Say hello world.' },
  ],
  signal,
  onText,
});

describe('VS Code language-model ChatModel (documented shapes)', () => {
  it('streams the answer, selects by the settings, justifies the request and counts tokens (estimated)', async () => {
    const { model, calls } = fakeModel(['Hello', ' world', '!']);
    const { api, selectors } = fakeApi([model]);
    const streamed: string[] = [];
    const chat = createLmChatModel(api, { vendor: 'fake', family: 'f-4o' });
    const response = await chat.complete(ask(undefined, (d) => streamed.push(d)));
    assert.equal(chat.id, 'vscode-lm:fake/f-4o');
    assert.deepEqual(selectors[0], { vendor: 'fake', family: 'f-4o' });
    assert.equal(response.text, 'Hello world!');
    assert.deepEqual(streamed, ['Hello', ' world', '!']);
    assert.deepEqual(calls[0]!.messages, [{ role: 'user', content: 'Be brief.\n\nSay hello world.' }]);
    assert.equal(calls[0]!.options.justification, LM_JUSTIFICATION);
    assert.deepEqual(response.usage, { inputTokens: 5, outputTokens: 2, estimated: true });
    assert.equal(response.model, 'fake/f-4o');
    assert.equal(response.endpoint, 'vscode-lm');
  });

  it('estimates usage from characters when the model cannot count', async () => {
    const { model } = fakeModel(['12345678'], { countFails: true });
    const response = await createLmChatModel(fakeApi([model]).api, {}).complete(ask());
    assert.deepEqual(response.usage, { inputTokens: Math.ceil('Be brief.\nSay hello world.'.length / 4), outputTokens: 2, estimated: true });
  });

  it('an abort cancels the request token and rejects with the abort reason', async () => {
    const { model } = fakeModel(['partial', ' never'], { hold: true });
    const { api, cancellations } = fakeApi([model]);
    const controller = new AbortController();
    const pending = createLmChatModel(api, {}).complete(ask(controller.signal, () => controller.abort(new Error('task cancelled'))));
    await assert.rejects(pending, /task cancelled/);
    assert.equal(cancellations[0]!.isCancellationRequested, true);
  });

  it('consent refused (NoPermissions) is permanent; consent known refused sends nothing', async () => {
    const refused = fakeModel(['x'], { fail: languageModelError('NoPermissions') });
    await assert.rejects(createLmChatModel(fakeApi([refused.model]).api, {}).complete(ask()), (e: Error) => e instanceof PermanentError && /allow Research Dispatcher/i.test(e.message));
    const known = fakeModel(['x']);
    await assert.rejects(createLmChatModel(fakeApi([known.model], false).api, {}).complete(ask()), /not allowed to use the language model "Fake 4o"/);
    assert.equal(known.calls.length, 0, 'no request after a refused consent');
  });

  it('Blocked is retryable; an error while streaming is mapped too', async () => {
    const blocked = fakeModel(['x'], { fail: languageModelError('Blocked') });
    await assert.rejects(createLmChatModel(fakeApi([blocked.model]).api, {}).complete(ask()), (e: Error) => e instanceof RetryableError);
    const broken = fakeModel(['a', 'b'], { failMidStream: languageModelError('Unknown') });
    await assert.rejects(createLmChatModel(fakeApi([broken.model]).api, {}).complete(ask()), (e: Error) => e instanceof RetryableError && /failed/.test(e.message));
  });

  it('no matching model: says what the settings select and what VS Code offers', async () => {
    const { model } = fakeModel(['x']);
    await assert.rejects(
      createLmChatModel(fakeApi([model]).api, { vendor: 'copilot' }).complete(ask()),
      (e: Error) => e instanceof PermanentError && /matches vendor "copilot".*VS Code offers: fake\/f-4o/.test(e.message),
    );
  });

  it('an already aborted request asks nothing', async () => {
    const { model, calls } = fakeModel(['x']);
    const { api, selectors } = fakeApi([model]);
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await assert.rejects(createLmChatModel(api, {}).complete(ask(controller.signal)), /gone/);
    assert.equal(selectors.length + calls.length, 0);
  });
});
