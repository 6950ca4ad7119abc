import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  labelSelectorMatcher,
  labelSelectorToString,
  labelSetMatcher,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  SelectorParseError,
  validateLabelKey,
  validateLabelValue,
} from './labels.js';
import type { LabelSelector } from './types/index.js';

test('parseSelector: matching table', () => {
  const cases: { sel: string; labels: Record<string, string> | undefined; want: boolean }[] = [
    { sel: '', labels: { a: 'b' }, want: true },
    { sel: '', labels: undefined, want: true },
    { sel: 'a=b', labels: { a: 'b' }, want: true },
    { sel: 'a=b', labels: { a: 'c' }, want: false },
    { sel: 'a=b', labels: {}, want: false },
    { sel: 'a==b', labels: { a: 'b' }, want: true },
    { sel: 'a!=b', labels: { a: 'b' }, want: false },
    { sel: 'a!=b', labels: { a: 'c' }, want: true },
    { sel: 'a!=b', labels: {}, want: true },
    { sel: 'a in (x,y)', labels: { a: 'y' }, want: true },
    { sel: 'a in (x,y)', labels: { a: 'z' }, want: false },
    { sel: 'a in (x,y)', labels: {}, want: false },
    { sel: 'a notin (x)', labels: { a: 'x' }, want: false },
    { sel: 'a notin (x)', labels: { a: 'y' }, want: true },
    { sel: 'a notin (x)', labels: {}, want: true },
    { sel: 'a', labels: { a: '' }, want: true },
    { sel: 'a', labels: { b: '' }, want: false },
    { sel: '!a', labels: { b: '' }, want: true },
    { sel: '!a', labels: { a: 'x' }, want: false },
    { sel: 'a=b,c=d', labels: { a: 'b', c: 'd' }, want: true },
    { sel: 'a=b,c=d', labels: { a: 'b', c: 'e' }, want: false },
    { sel: '  a = b ,  c  in ( d , e ) ,  !f ', labels: { a: 'b', c: 'e' }, want: true },
    { sel: 'a=', labels: { a: '' }, want: true },
    { sel: 'a=', labels: { a: 'x' }, want: false },
    { sel: 'a in ()', labels: { a: '' }, want: true },
    { sel: 'example.com/app=web', labels: { 'example.com/app': 'web' }, want: true },
    { sel: 'a=in', labels: { a: 'in' }, want: true },
    { sel: 'a>5', labels: { a: '7' }, want: true },
    { sel: 'a<5', labels: { a: '7' }, want: false },
    { sel: 'a>5', labels: { a: 'x' }, want: false },
  ];
  for (const c of cases) {
    assert.equal(parseSelector(c.sel).matches(c.labels), c.want, `${c.sel} vs ${JSON.stringify(c.labels)}`);
  }
});

test('parseSelector: canonical string and empty()', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['b=c,a=d', 'a=d,b=c'],
    ['x in (z, y ,y)', 'x in (y,z)'],
    ['x notin (b,a)', 'x notin (a,b)'],
    ['!x,y', '!x,y'],
    ['a==b', 'a==b'],
    ['a != b', 'a!=b'],
  ];
  for (const [input, want] of cases) assert.equal(parseSelector(input).toString(), want, input);
  assert.equal(parseSelector('').empty(), true);
  assert.equal(parseSelector('a').empty(), false);
});

test('parseSelector: syntax and validation errors', () => {
  const bad = ['a=b,', ',a', 'a in x', 'a in (x', 'a b', '=b', 'a=b=c', 'a!b', 'a in (x)(', 'a/b/c=d', 'a=-bad-', 'a>x', 'x=' + 'v'.repeat(64), '!', 'a,,b'];
  for (const s of bad) {
    assert.throws(() => parseSelector(s), SelectorParseError, s);
  }
  assert.throws(() => parseSelector('a b'), /unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt/);
});

test('selectorFromLabelSelector: nil, empty, matchLabels + matchExpressions', () => {
  assert.equal(selectorFromLabelSelector(undefined).matches({ a: 'b' }), false);
  assert.equal(selectorFromLabelSelector(null).matches({}), false);
  assert.equal(selectorFromLabelSelector(undefined).empty(), false);
  assert.equal(selectorFromLabelSelector({}).matches({ a: 'b' }), true);
  assert.equal(selectorFromLabelSelector({}).empty(), true);
  const ls: LabelSelector = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  };
  const sel = selectorFromLabelSelector(ls);
  assert.equal(sel.matches({ app: 'web', tier: 'a', team: 'x' }), true);
  assert.equal(sel.matches({ app: 'web', tier: 'a', team: 'x', env: 'prod' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'a', team: 'x', legacy: '1' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'c', team: 'x' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'a' }), false);
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' as 'In' }] }), SelectorParseError);
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), SelectorParseError);
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), SelectorParseError);
});

test('labelSelectorToString: upstream FormatLabelSelector', () => {
  const cases: [LabelSelector | undefined, string][] = [
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, 'app=web,tier in (a,b)'],
    [{ matchLabels: { z: '1', a: '2' } }, 'a=2,z=1'],
    [{ matchExpressions: [{ key: 'x', operator: 'Exists' }, { key: 'w', operator: 'DoesNotExist' }, { key: 'v', operator: 'NotIn', values: ['q'] }] }, 'v notin (q),!w,x'],
    [{ matchExpressions: [{ key: 'x', operator: 'Nope' as 'In' }] }, '<error>'],
  ];
  for (const [ls, want] of cases) assert.equal(labelSelectorToString(ls), want, JSON.stringify(ls));
});

test('selectorFromSet: equality on every pair', () => {
  const s = selectorFromSet({ app: 'x', tier: 'y' });
  assert.equal(s.toString(), 'app=x,tier=y');
  assert.equal(s.matches({ app: 'x', tier: 'y', extra: 'z' }), true);
  assert.equal(s.matches({ app: 'x' }), false);
  assert.equal(selectorFromSet(undefined).empty(), true);
});

test('validateLabelKey / validateLabelValue', () => {
  const keys: [string, boolean][] = [
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['A_b-c.d', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['/name', false],
    ['Example.com/name', false],
    ['a/b/c', false],
    ['-app', false],
    ['app-', false],
    ['example.com/', false],
  ];
  for (const [k, ok] of keys) assert.equal(validateLabelKey(k).length === 0, ok, k);
  assert.match(validateLabelKey('a'.repeat(64))[0]!, /name part must be no more than 63 characters/);
  assert.match(validateLabelKey('/x')[0]!, /prefix part must be non-empty/);
  const values: [string, boolean][] = [
    ['', true],
    ['web', true],
    ['1.2.3', true],
    ['a_b-c', true],
    ['v'.repeat(63), true],
    ['v'.repeat(64), false],
    ['-web', false],
    ['web_', false],
    ['a b', false],
    ['a/b', false],
  ];
  for (const [v, ok] of values) assert.equal(validateLabelValue(v).length === 0, ok, v);
  assert.match(validateLabelValue('a b')[0]!, /a valid label must be an empty string or consist of alphanumeric characters/);
});

test('labelSelectorMatcher: compiled matching agrees with selectorFromLabelSelector', () => {
  const selectors: LabelSelector[] = [
    {},
    { matchLabels: { app: 'web' } },
    { matchLabels: { app: 'web', tier: 'fe' } },
    { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] },
    { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
    { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
    { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
    { matchLabels: { tier: 'fe' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }, { key: 'env', operator: 'DoesNotExist' }] },
    { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
  ];
  const labelSets: (Record<string, string> | undefined)[] = [undefined, {}, { app: 'web' }, { app: 'db' }, { app: 'web', tier: 'fe' }, { app: 'web', tier: 'fe', env: 'x' }, { tier: 'fe' }, { constructor: 'x' }];
  for (const ls of selectors) {
    const want = selectorFromLabelSelector(ls);
    const got = labelSelectorMatcher(ls);
    assert.equal(got.empty, want.empty(), JSON.stringify(ls));
    for (const l of labelSets) assert.equal(got.matches(l), want.matches(l), `${JSON.stringify(ls)} on ${JSON.stringify(l)}`);
  }
});

test('labelSelectorMatcher: nil selectors and unknown operators match nothing; label sets', () => {
  const cases: [string, ReturnType<typeof labelSelectorMatcher>, Record<string, string> | undefined, boolean][] = [
    ['undefined selector', labelSelectorMatcher(undefined), { a: 'b' }, false],
    ['null selector', labelSelectorMatcher(null), {}, false],
    ['unknown operator', labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] }), { a: '2' }, false],
    ['prototype name as operator', labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'constructor' as 'In' }] }), { a: '2' }, false],
    ['In with no values', labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), { a: '2' }, false],
    ['NotIn with no values', labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }), { a: '2' }, true],
    ['inherited key is not a label', labelSelectorMatcher({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }), {}, false],
    ['empty set matches all', labelSetMatcher({}), { a: 'b' }, true],
    ['missing set matches all', labelSetMatcher(undefined), undefined, true],
    ['set', labelSetMatcher({ a: 'b' }), { a: 'b', c: 'd' }, true],
    ['set mismatch', labelSetMatcher({ a: 'b' }), { a: 'c' }, false],
  ];
  for (const [name, m, labels, want] of cases) assert.equal(m.matches(labels), want, name);
  assert.equal(labelSelectorMatcher(undefined).nothing, true);
  assert.equal(labelSelectorMatcher({}).empty, true);
});
