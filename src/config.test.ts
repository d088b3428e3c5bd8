import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Config, ConfigError, helpText, parseConfig, parseSize } from './config.ts';

const TOKEN = 'abcdefghijklmnop-0123';
const io = { readFile: (p: string) => (p === 'tokens' ? `# comment\n${TOKEN}\n\n` : fail(p)) };
function fail(p: string): never {
  throw new Error(`ENOENT ${p}`);
}
function run(argv: string[], env: Record<string, string> = {}): Config {
  const r = parseConfig(argv, env, io);
  assert.equal(r.kind, 'run');
  return (r as { config: Config }).config;
}

test('defaults', () => {
  const c = run([]);
  assert.deepEqual(
    c.listen.map((l) => l.url),
    ['tcp://127.0.0.1:2375'],
  );
  assert.equal(c.logLevel, 'info');
  assert.equal(c.requireAuth, false);
  assert.equal(c.maxBodyBytes, 10 * 1024 * 1024);
  assert.equal(c.shutdownTimeoutMs, 10_000);
  assert.deepEqual(c.tokens, []);
});

test('flags win over env; env lists are comma-separated', () => {
  const env = {
    BADIDEA_LISTEN: 'tcp://127.0.0.1:1,unix:///tmp/x.sock',
    BADIDEA_NAMESPACE: 'envns',
    BADIDEA_LOG_LEVEL: 'debug',
  };
  const c = run(['--namespace', 'flagns'], env);
  assert.deepEqual(
    c.listen.map((l) => l.url),
    ['tcp://127.0.0.1:1', 'unix:///tmp/x.sock'],
  );
  assert.equal(c.namespace, 'flagns');
  assert.equal(c.logLevel, 'debug');
  const c2 = run(['-H', 'tcp://127.0.0.1:5', '--listen', 'unix:///tmp/y.sock'], env);
  assert.deepEqual(
    c2.listen.map((l) => l.url),
    ['tcp://127.0.0.1:5', 'unix:///tmp/y.sock'],
  );
});

test('TLS defaults to 2376; plain HTTP on 2376 is refused', () => {
  const c = run(['--tls-cert', 'c', '--tls-key', 'k']);
  assert.equal(c.listen[0].url, 'tcp://127.0.0.1:2376');
  assert.throws(() => run(['-H', 'tcp://127.0.0.1:2376']), /port 2376/);
  assert.throws(() => run(['--tls-cert', 'c']), ConfigError);
  assert.throws(() => run(['--tls-ca', 'ca']), ConfigError);
});

test('non-loopback without auth is refused unless --insecure', () => {
  assert.throws(() => run(['-H', 'tcp://0.0.0.0:2375']), /without authentication/);
  assert.equal(run(['-H', 'tcp://0.0.0.0:2375', '--insecure']).insecure, true);
  assert.equal(run(['-H', 'tcp://0.0.0.0:2375'], { BADIDEA_INSECURE: '1' }).insecure, true);
  assert.deepEqual(run(['-H', 'tcp://0.0.0.0:2375', '--token-file', 'tokens']).tokens, [TOKEN]);
  const c = run(['-H', 'tcp://0.0.0.0:2376', '--tls-cert', 'c', '--tls-key', 'k', '--tls-ca', 'ca']);
  assert.equal(c.tls?.ca, 'ca');
});

test('tokens come from a file and BADIDEA_TOKENS and must be long', () => {
  const c = run(['--token-file', 'tokens'], { BADIDEA_TOKENS: 'zyxwvutsrqponmlk-9,' });
  assert.deepEqual(c.tokens, [TOKEN, 'zyxwvutsrqponmlk-9']);
  assert.throws(() => run([], { BADIDEA_TOKENS: 'short' }), /16 characters/);
  assert.throws(() => run(['--token-file', 'missing']), /cannot read --token-file/);
});

test('--require-auth needs a credential source', () => {
  assert.throws(() => run(['--require-auth']), /require-auth/);
  assert.equal(run(['--require-auth'], { BADIDEA_TOKENS: TOKEN }).requireAuth, true);
});

test('bad values are ConfigErrors', () => {
  assert.throws(() => run(['--log-level', 'loud']), ConfigError);
  assert.throws(() => run(['--bogus']), ConfigError);
  assert.throws(() => run(['--max-body-size', 'lots']), ConfigError);
  assert.equal(parseSize('1k'), 1024);
  assert.equal(parseSize('2MiB'), 2 * 1024 * 1024);
});

test('help and version', () => {
  assert.deepEqual(parseConfig(['--help'], {}, io), { kind: 'help' });
  assert.deepEqual(parseConfig(['-v'], {}, io), { kind: 'version' });
  const help = helpText();
  for (const s of ['--listen', 'BADIDEA_LISTEN', '--require-auth', 'Authorization: Bearer', 'X-Badidea']) {
    assert.ok(help.includes(s), s);
  }
});
