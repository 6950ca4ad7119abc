import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName, nameIsDNSSubdomain } from './names.js';
import { isQualifiedName, isValidLabelValue } from './labels.js';
import { invalid, notSupported, required, tooLong, duplicate, forbidden, errorString } from './errors.js';

test('name checkers', () => {
  const cases: [string, (s: string) => string[], string, number][] = [
    ['label ok', isDNS1123Label, 'my-name', 0],
    ['label too long', isDNS1123Label, 'a'.repeat(64), 1],
    ['label uppercase', isDNS1123Label, 'My', 1],
    ['subdomain ok', isDNS1123Subdomain, 'a.b-c.d', 0],
    ['subdomain too long', isDNS1123Subdomain, `${'a'.repeat(63)}.`.repeat(4) + 'a', 1],
    ['subdomain trailing dash', isDNS1123Subdomain, 'a-', 1],
    ['1035 digit start', isDNS1035Label, '1a', 1],
    ['1035 ok', isDNS1035Label, 'a1', 0],
    ['path segment ok', isValidPathSegmentName, 'system:node', 0],
    ['path segment dot', isValidPathSegmentName, '.', 1],
    ['path segment slash and percent', isValidPathSegmentName, 'a/%', 2],
    ['qualified ok', isQualifiedName, 'app.kubernetes.io/name', 0],
    ['qualified empty prefix', isQualifiedName, '/name', 1],
    ['qualified long name', isQualifiedName, 'x'.repeat(64), 1],
    ['label value ok', isValidLabelValue, '', 0],
    ['label value bad', isValidLabelValue, '-x', 1],
  ];
  for (const [name, fn, v, n] of cases) assert.equal(fn(v).length, n, name);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
});

test('error bodies match upstream ErrorBody', () => {
  const cases: [ReturnType<typeof required>, string][] = [
    [required('spec.containers[0].image'), 'spec.containers[0].image: Required value'],
    [required('x', 'must be set'), 'x: Required value: must be set'],
    [invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [invalid('a', true, 'd'), 'a: Invalid value: true: d'],
    [notSupported('p', 'X', ['A', 'B']), 'p: Unsupported value: "X": supported values: "A", "B"'],
    [duplicate('n', 'x'), 'n: Duplicate value: "x"'],
    [forbidden('f', 'nope'), 'f: Forbidden: nope'],
    [tooLong('t', 10), 't: Too long: must have at most 10 bytes'],
  ];
  for (const [e, want] of cases) assert.equal(errorString(e), want);
  assert.equal(required('a').type, 'FieldValueRequired');
  assert.equal(notSupported('a', 'b', []).type, 'FieldValueNotSupported');
});
