import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateContainerId,
  generateContainerName,
  idLabelValue,
  isFullId,
  nameConflictMessage,
  normaliseContainerName,
  podNameFor,
  resolveContainerRef,
  sanitiseForDns,
  shortId,
} from './ids.ts';
import { TranslationError } from './translation-error.ts';

describe('generateContainerId', () => {
  it('is 64 lower-case hex digits', () => {
    const id = generateContainerId(() => new Uint8Array(32).fill(0xab));
    assert.equal(id, 'ab'.repeat(32));
    assert.ok(isFullId(id));
  });

  it('draws again when the short ID would be all digits', () => {
    const draws = [new Uint8Array(32).fill(0x12), new Uint8Array(32).fill(0xcd)];
    let calls = 0;
    const id = generateContainerId(() => draws[calls++]);
    assert.equal(calls, 2);
    assert.equal(shortId(id), 'cdcdcdcdcdcd');
  });
});

describe('normaliseContainerName', () => {
  it('keeps the name exactly, without a leading slash', () => {
    assert.equal(normaliseContainerName('/Web_1.a-b'), 'Web_1.a-b');
    assert.equal(normaliseContainerName('rproj_web_1'), 'rproj_web_1');
  });

  for (const bad of ['bad/name', 'a', '_x', '-x', 'a b', 'é', '//x']) {
    it(`refuses ${JSON.stringify(bad)} with Docker's message`, () => {
      assert.throws(
        () => normaliseContainerName(bad),
        (e: unknown) =>
          e instanceof TranslationError &&
          e.kind === 'invalid' &&
          e.message === `Invalid container name (${bad}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    });
  }
});

describe('generateContainerName', () => {
  it('makes adjective_surname names that pass validation', () => {
    for (const r of [0, 0.5, 0.999]) {
      const name = generateContainerName(() => r);
      assert.match(name, /^[a-z]+_[a-z]+$/);
      assert.equal(normaliseContainerName(name), name);
    }
  });
});

describe('pod names', () => {
  const id = 'abcdef0123456789'.repeat(4);
  it('sanitises the Docker name and appends the short ID and generation', () => {
    assert.equal(podNameFor('rproj_Web_1', id, 0), 'rproj-web-1-abcdef012345');
    assert.equal(podNameFor('rproj_Web_1', id, 3), 'rproj-web-1-abcdef012345-3');
  });
  it('stays within 63 characters and starts with an alphanumeric', () => {
    const name = podNameFor(`${'x'.repeat(100)}`, id, 12345);
    assert.ok(name.length <= 63);
    assert.equal(podNameFor('..__', id, 0), 'c-abcdef012345');
    assert.equal(sanitiseForDns('-A--b_', 10), 'a-b');
  });
  it('label value for an ID is its first 63 hex digits', () => {
    assert.equal(idLabelValue(id).length, 63);
  });
});

describe('resolveContainerRef', () => {
  const a = { id: `aaaa${'1'.repeat(60)}`, name: 'web' };
  const b = { id: `aaab${'2'.repeat(60)}`, name: 'db' };
  const c = { id: `cccc${'3'.repeat(60)}`, name: 'aaab' };
  const all = [a, b, c];

  it('prefers the full ID, then the name, then a unique prefix', () => {
    assert.equal(resolveContainerRef(a.id, all), a);
    assert.equal(resolveContainerRef('web', all), a);
    assert.equal(resolveContainerRef('/db', all), b);
    assert.equal(resolveContainerRef('aaab', all), c, 'a name beats an ID prefix');
    assert.equal(resolveContainerRef('aaaa', all), a);
    assert.equal(resolveContainerRef('cc', all), c);
  });

  it('an ambiguous prefix is a 400, an unknown reference a 404', () => {
    assert.throws(
      () => resolveContainerRef('aa', all),
      (e: unknown) => e instanceof TranslationError && e.kind === 'invalid' && /multiple IDs found/.test(e.message),
    );
    assert.throws(
      () => resolveContainerRef('nosuch', all),
      (e: unknown) =>
        e instanceof TranslationError && e.kind === 'not-found' && e.message === 'No such container: nosuch',
    );
    assert.throws(() => resolveContainerRef('', all), TranslationError);
  });

  it("formats Docker's name conflict", () => {
    assert.equal(
      nameConflictMessage('c1', 'abc'),
      'Conflict. The container name "/c1" is already in use by container "abc". You have to remove (or rename) that container to be able to reuse that name.',
    );
  });
});
