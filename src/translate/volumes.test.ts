import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TranslationError } from './translation-error.ts';
import {
  anonymousVolumeName,
  claimNameFor,
  DEFAULT_VOLUME_DEFAULTS,
  sizeQuantity,
  volumeClaim,
  volumeNameOf,
  volumesOf,
} from './volumes.ts';
import { volumeListFilter, volumePruneFilter, volumeView } from './volumes-view.ts';

const ID = 'a'.repeat(64);
const refused = (message: RegExp) => (e: unknown) => e instanceof TranslationError && message.test(e.message);

describe('volume claims', () => {
  it('claim names: plain DNS labels kept, others sanitised with a hash (distinct for Foo and foo)', () => {
    assert.equal(claimNameFor('data'), 'vol-data');
    assert.match(claimNameFor('My_Data'), /^vol-my-data-[0-9a-f]{8}$/);
    assert.notEqual(claimNameFor('Data'), claimNameFor('data'));
    const anon = anonymousVolumeName(ID, '/data');
    assert.match(anon, /^[0-9a-f]{64}$/);
    assert.equal(anon, anonymousVolumeName(ID, '/data'), 'stable across runs');
    assert.notEqual(anon, anonymousVolumeName(ID, '/other'));
    assert.ok(claimNameFor(anon).length <= 63);
  });

  it('a claim from options and labels; defaults from the flags', () => {
    const pvc = volumeClaim({
      name: 'data',
      namespace: 'ns',
      labels: { team: 'a' },
      options: { size: '2g', storageclass: 'fast', accessmode: 'ReadWriteMany' },
      defaults: DEFAULT_VOLUME_DEFAULTS,
    });
    assert.equal(pvc.metadata.name, 'vol-data');
    assert.equal(pvc.metadata.labels?.['badidea.dev/managed'], 'true');
    assert.equal(volumeNameOf(pvc), 'data');
    assert.deepEqual(pvc.spec, {
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: String(2 * 1024 ** 3) } },
      storageClassName: 'fast',
    });
    const plain = volumeClaim({ name: 'x1', defaults: DEFAULT_VOLUME_DEFAULTS });
    assert.deepEqual(plain.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    const anon = volumeClaim({ name: anonymousVolumeName(ID, '/d'), defaults: DEFAULT_VOLUME_DEFAULTS, owner: ID });
    assert.equal(anon.metadata.labels?.['badidea.dev/volume-owner'], ID.slice(0, 63));
    assert.deepEqual(volumeView(anon, { now: 0 }).Labels, { 'com.docker.volume.anonymous': '' });
  });

  it('refuses unknown options, the local driver’s mount options and bad sizes', () => {
    const make = (options: Record<string, string>) =>
      volumeClaim({ name: 'v', options, defaults: DEFAULT_VOLUME_DEFAULTS });
    assert.throws(() => make({ foo: 'bar' }), refused(/^create v: invalid option: "foo"/));
    assert.throws(() => make({ type: 'nfs' }), refused(/option "type" of the local driver/));
    assert.throws(() => make({ size: 'huge' }), refused(/invalid size "huge"/));
    assert.throws(() => make({ accessmode: 'sometimes' }), refused(/invalid access mode/));
    assert.equal(sizeQuantity('500Mi'), '500Mi');
    assert.equal(sizeQuantity('1kb'), '1024');
  });

  it('the volumes a container uses: named and anonymous', () => {
    const uses = volumesOf(ID, { Volumes: { '/anon': {} } }, { Binds: ['data:/data:ro'], Tmpfs: { '/t': '' } });
    assert.deepEqual(uses, [
      { name: 'data', target: '/data', readOnly: true, anonymous: false },
      { name: anonymousVolumeName(ID, '/anon'), target: '/anon', readOnly: false, anonymous: true },
    ]);
  });
});

describe('volume views and filters', () => {
  const pvc = volumeClaim({ name: 'data', labels: { team: 'a' }, defaults: DEFAULT_VOLUME_DEFAULTS });
  pvc.metadata.creationTimestamp = '2026-11-28T19:14:11Z';
  const anon = volumeClaim({ name: anonymousVolumeName(ID, '/d'), defaults: DEFAULT_VOLUME_DEFAULTS, owner: ID });

  it('Docker’s keys; inspect adds the claim as Status and RefCount', () => {
    assert.deepEqual(volumeView(pvc, { now: 0 }), {
      CreatedAt: '2026-11-28T19:14:11Z',
      Driver: 'local',
      Labels: { team: 'a' },
      Mountpoint: '',
      Name: 'data',
      Options: null,
      Scope: 'local',
    });
    const detail = volumeView(pvc, { now: 0, detail: true, refCount: 2, namespace: 'ns' });
    assert.deepEqual(detail.UsageData, { Size: -1, RefCount: 2 });
    assert.equal(detail.Status?.PersistentVolumeClaim, 'vol-data');
    assert.equal(detail.Status?.Phase, 'Pending');
  });

  it('ls filters: dangling, name (a regular expression), label, driver; Docker’s messages for bad ones', () => {
    const keep = (f: Record<string, string[]>, refCount = 0) =>
      volumeListFilter(new Map(Object.entries(f)))({ pvc, refCount });
    assert.equal(keep({ dangling: ['true'] }), true);
    assert.equal(keep({ dangling: ['true'] }, 1), false);
    assert.equal(keep({ dangling: ['0'] }, 1), true);
    assert.equal(keep({ name: ['^da'] }), true);
    assert.equal(keep({ name: ['nope'] }), false);
    assert.equal(keep({ label: ['team=a'] }), true);
    assert.equal(keep({ 'label!': ['team'] }), false);
    assert.equal(keep({ driver: ['local'] }), true);
    assert.throws(() => keep({ foo: ['x'] }), refused(/^Invalid filter 'foo'$/));
    assert.throws(() => keep({ dangling: ['maybe'] }), refused(/^Invalid filter 'dangling=\[maybe\]'$/));
  });

  it('prune: unused only; anonymous only from API 1.42 unless all=true', () => {
    const prune = (f: Record<string, string[]>, anonymousOnly: boolean, subject = pvc, refCount = 0) =>
      volumePruneFilter(new Map(Object.entries(f)), anonymousOnly)({ pvc: subject, refCount });
    assert.equal(prune({}, false), true);
    assert.equal(prune({}, true), false);
    assert.equal(prune({ all: ['true'] }, true), true);
    assert.equal(prune({}, true, anon), true);
    assert.equal(prune({}, true, anon, 1), false);
    assert.throws(() => prune({ until: ['1h'] }, true), refused(/^Invalid filter 'until'$/));
  });
});
