import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, parsePointer } from './json-patch.js';
import { PatchError } from './errors.js';

test('json patch: RFC 6902 operations', () => {
  const doc = { a: { b: 1, c: [1, 2, 3] }, 'x/y': 1, 'm~n': 2 };
  const cases: { name: string; patch: unknown[]; want: unknown }[] = [
    { name: 'add member', patch: [{ op: 'add', path: '/a/d', value: 4 }], want: { ...doc, a: { ...doc.a, d: 4 } } },
    { name: 'add replaces member', patch: [{ op: 'add', path: '/a/b', value: 9 }], want: { ...doc, a: { ...doc.a, b: 9 } } },
    { name: 'add array insert', patch: [{ op: 'add', path: '/a/c/1', value: 9 }], want: { ...doc, a: { ...doc.a, c: [1, 9, 2, 3] } } },
    { name: 'add array end index', patch: [{ op: 'add', path: '/a/c/3', value: 9 }], want: { ...doc, a: { ...doc.a, c: [1, 2, 3, 9] } } },
    { name: 'add dash appends', patch: [{ op: 'add', path: '/a/c/-', value: 9 }], want: { ...doc, a: { ...doc.a, c: [1, 2, 3, 9] } } },
    { name: 'add root', patch: [{ op: 'add', path: '', value: { z: 1 } }], want: { z: 1 } },
    { name: 'remove member', patch: [{ op: 'remove', path: '/a/b' }], want: { ...doc, a: { c: [1, 2, 3] } } },
    { name: 'remove array item', patch: [{ op: 'remove', path: '/a/c/0' }], want: { ...doc, a: { ...doc.a, c: [2, 3] } } },
    { name: 'escaped ~1', patch: [{ op: 'replace', path: '/x~1y', value: 5 }], want: { ...doc, 'x/y': 5 } },
    { name: 'escaped ~0', patch: [{ op: 'remove', path: '/m~0n' }], want: { a: doc.a, 'x/y': 1 } },
    { name: 'replace array item', patch: [{ op: 'replace', path: '/a/c/2', value: 'z' }], want: { ...doc, a: { ...doc.a, c: [1, 2, 'z'] } } },
    { name: 'move', patch: [{ op: 'move', from: '/a/b', path: '/top' }], want: { ...doc, a: { c: [1, 2, 3] }, top: 1 } },
    { name: 'move within array', patch: [{ op: 'move', from: '/a/c/0', path: '/a/c/-' }], want: { ...doc, a: { ...doc.a, c: [2, 3, 1] } } },
    { name: 'copy', patch: [{ op: 'copy', from: '/a/c', path: '/d' }], want: { ...doc, d: [1, 2, 3] } },
    { name: 'test passes then acts', patch: [{ op: 'test', path: '/a', value: { c: [1, 2, 3], b: 1 } }, { op: 'remove', path: '/a' }], want: { 'x/y': 1, 'm~n': 2 } },
    { name: 'empty patch', patch: [], want: doc },
  ];
  for (const c of cases) assert.deepEqual(applyJsonPatch(doc, c.patch), c.want, c.name);
  // The input is never modified.
  assert.deepEqual(doc, { a: { b: 1, c: [1, 2, 3] }, 'x/y': 1, 'm~n': 2 });
});

test('json patch: copy is deep, not aliased', () => {
  const out = applyJsonPatch({ a: { n: 1 } }, [
    { op: 'copy', from: '/a', path: '/b' },
    { op: 'replace', path: '/b/n', value: 2 },
  ]);
  assert.deepEqual(out, { a: { n: 1 }, b: { n: 2 } });
});

test('json patch: errors carry 400 for malformed bodies and 422 when not applicable', () => {
  const doc = { a: { b: 1 }, l: [1] };
  const cases: { patch: unknown; code: 400 | 422; msg?: RegExp }[] = [
    { patch: { op: 'add' }, code: 400, msg: /json patch must be an array/ },
    { patch: 'x', code: 400 },
    { patch: [1], code: 400 },
    { patch: [{ op: 'test', path: '/a/b', value: 2 }], code: 422, msg: /testing value \/a\/b failed/ },
    { patch: [{ op: 'remove', path: '/nope' }], code: 422, msg: /remove operation does not apply/ },
    { patch: [{ op: 'replace', path: '/nope', value: 1 }], code: 422, msg: /replace operation does not apply/ },
    { patch: [{ op: 'add', path: '/x/y', value: 1 }], code: 422, msg: /add operation does not apply/ },
    { patch: [{ op: 'add', path: '/l/5', value: 1 }], code: 422, msg: /invalid index/ },
    { patch: [{ op: 'add', path: '/l/01', value: 1 }], code: 422 },
    { patch: [{ op: 'replace', path: '/l/-', value: 1 }], code: 422 },
    { patch: [{ op: 'move', from: '/a', path: '/a/b/c' }], code: 422 },
    { patch: [{ op: 'move', from: '/zz', path: '/q' }], code: 422 },
    { patch: [{ op: 'bogus', path: '/a' }], code: 422, msg: /Unexpected kind: bogus/ },
    { patch: [{ op: 'add', path: 'a', value: 1 }], code: 422 },
    { patch: [{ op: 'add', path: '/q' }], code: 422, msg: /missing "value"/ },
  ];
  for (const c of cases) {
    assert.throws(
      () => applyJsonPatch(doc, c.patch),
      (e: unknown) => e instanceof PatchError && e.code === c.code && (!c.msg || c.msg.test(e.message)),
      JSON.stringify(c.patch),
    );
  }
});

test('json patch: a failing operation leaves the caller input untouched', () => {
  const doc = { a: 1 };
  assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 3 }]), PatchError);
  assert.deepEqual(doc, { a: 1 });
});

test('parsePointer', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
  assert.deepEqual(parsePointer('/a~1b/c~0d/~01'), ['a/b', 'c~d', '~1']);
});
