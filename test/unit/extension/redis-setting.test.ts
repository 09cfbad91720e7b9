import assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors';
import { refusePasswordInSetting } from '../../../src/extension/redis-setting';

describe('research.redis.url: no password in the setting', () => {
  it('refuses a URL with a password, naming where the password goes and never repeating it', () => {
    for (const url of ['redis://:hunter2@127.0.0.1:6379', ' rediss://user:hunter2@redis.example:6380/0 ']) {
      assert.throws(
        () => refusePasswordInSetting(url),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.match(error.message, /research\.redis\.url contains a password/);
          assert.match(error.message, /"Research: Set API Key" → "Redis password"/);
          assert.ok(!error.message.includes('hunter2'));
          return true;
        },
      );
    }
  });

  it('accepts URLs without a password (a user name alone is fine), and leaves text that is no URL to parseRedisUrl', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://default@redis.example:6380', 'redis://:@127.0.0.1', 'not a url', '']) {
      assert.doesNotThrow(() => refusePasswordInSetting(url), url);
    }
  });
});
