// Just enough of the Kubernetes protobuf encoding (k8s.io/apimachinery/pkg/runtime/serializer/protobuf)
// to accept the request bodies kubectl 1.32's typed clients send for `kubectl create namespace|configmap|
// secret|serviceaccount`: the "k8s\0" magic, runtime.Unknown, ObjectMeta and those four kinds.
// Everything else in protobuf is 415 UnsupportedMediaType. Responses are always JSON.
import { unsupportedMediaType } from './status.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON objects
type J = any;

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let i = 0;
  const varint = (): bigint => {
    let shift = 0n;
    let out = 0n;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error('truncated varint');
      out |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return out;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      yield { no, wire, value: buf.subarray(i, i + len) };
      i += len;
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 5) {
      i += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

const str = (v: bigint | Buffer) => (v as Buffer).toString('utf8');

function map(entries: Buffer[], bytes = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    let k = '';
    let v = '';
    for (const f of fields(e)) {
      if (f.no === 1) k = str(f.value);
      if (f.no === 2) v = bytes ? (f.value as Buffer).toString('base64') : str(f.value);
    }
    out[k] = v;
  }
  return out;
}

function group(buf: Buffer): Map<number, Field[]> {
  const m = new Map<number, Field[]>();
  for (const f of fields(buf)) {
    if (!m.has(f.no)) m.set(f.no, []);
    m.get(f.no)!.push(f);
  }
  return m;
}

const one = (m: Map<number, Field[]>, no: number) => m.get(no)?.[0]?.value;
const all = (m: Map<number, Field[]>, no: number) => (m.get(no) ?? []).map((f) => f.value as Buffer);

function objectMeta(buf: Buffer): J {
  const m = group(buf);
  const out: J = {};
  const s = (no: number, name: string) => {
    const v = one(m, no);
    if (v !== undefined) out[name] = str(v);
  };
  s(1, 'name');
  s(2, 'generateName');
  s(3, 'namespace');
  s(5, 'uid');
  s(6, 'resourceVersion');
  if (m.has(11)) out.labels = map(all(m, 11));
  if (m.has(12)) out.annotations = map(all(m, 12));
  if (m.has(14)) out.finalizers = all(m, 14).map((b) => b.toString('utf8'));
  if (m.has(13))
    out.ownerReferences = all(m, 13).map((b) => {
      const r = group(b);
      const ref: J = {};
      for (const [no, name] of [
        [5, 'apiVersion'],
        [1, 'kind'],
        [3, 'name'],
        [4, 'uid'],
      ] as const) {
        const v = one(r, no);
        if (v !== undefined) ref[name] = str(v);
      }
      if (one(r, 6) !== undefined) ref.controller = one(r, 6) === 1n;
      if (one(r, 7) !== undefined) ref.blockOwnerDeletion = one(r, 7) === 1n;
      return ref;
    });
  return out;
}

function decodeKind(kind: string, raw: Buffer): J {
  const m = group(raw);
  const meta = one(m, 1);
  const out: J = { metadata: meta ? objectMeta(meta as Buffer) : {} };
  switch (kind) {
    case 'Namespace': {
      const spec = one(m, 2);
      if (spec) out.spec = { finalizers: all(group(spec as Buffer), 1).map((b) => b.toString('utf8')) };
      return out;
    }
    case 'ConfigMap':
      if (m.has(2)) out.data = map(all(m, 2));
      if (m.has(3)) out.binaryData = map(all(m, 3), true);
      if (one(m, 4) !== undefined) out.immutable = one(m, 4) === 1n;
      return out;
    case 'Secret':
      if (m.has(2)) out.data = map(all(m, 2), true);
      if (one(m, 3) !== undefined) out.type = str(one(m, 3)!);
      if (m.has(4)) out.stringData = map(all(m, 4));
      if (one(m, 5) !== undefined) out.immutable = one(m, 5) === 1n;
      return out;
    case 'ServiceAccount':
      if (m.has(3)) out.imagePullSecrets = all(m, 3).map((b) => ({ name: str(one(group(b), 1) ?? Buffer.alloc(0)) }));
      if (one(m, 4) !== undefined) out.automountServiceAccountToken = one(m, 4) === 1n;
      return out;
    default:
      throw unsupportedMediaType(
        'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
      );
  }
}

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(body: Buffer): J {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('missing the k8s protobuf prefix');
  const unknown = group(body.subarray(4));
  const typeMeta = group((one(unknown, 1) as Buffer) ?? Buffer.alloc(0));
  const apiVersion = str(one(typeMeta, 1) ?? Buffer.alloc(0));
  const kind = str(one(typeMeta, 2) ?? Buffer.alloc(0));
  const raw = (one(unknown, 2) as Buffer) ?? Buffer.alloc(0);
  return { apiVersion, kind, ...decodeKind(kind, raw) };
}
