import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frame, StdcopyDecoder } from './stdcopy.ts';

test('frame matches the captured bytes', () => {
  assert.deepEqual([...frame(1, Buffer.from('hi\n'))], [1, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a]);
});

test('decoder handles split and merged frames', () => {
  const bytes = Buffer.concat([frame(2, Buffer.from('ee\n')), frame(1, Buffer.from('eo\n'))]);
  const d = new StdcopyDecoder();
  assert.deepEqual(d.push(bytes.subarray(0, 5)), []);
  const frames = d.push(bytes.subarray(5));
  assert.deepEqual(
    frames.map((f) => [f.stream, f.payload.toString()]),
    [
      [2, 'ee\n'],
      [1, 'eo\n'],
    ],
  );
  assert.equal(d.pending, 0);
  assert.throws(
    () => new StdcopyDecoder().push(Buffer.from([116, 0, 0, 0, 0, 0, 0, 0])),
    /Unrecognized input header: 116/,
  );
});
