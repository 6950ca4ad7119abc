import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addQuantities,
  compareQuantities,
  intValue,
  isValidQuantity,
  milliValue,
  parseQuantity,
  parseQuantityExact,
  QuantityParseError,
  quantityFromMilli,
  quantityToString,
  subtractQuantities,
} from './quantity.js';

test('parseQuantity: base-unit values', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['1', 1],
    ['100m', 0.1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['-2', -2],
    ['+3k', 3000],
    ['1k', 1000],
    ['2M', 2e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['1.5Gi', 1610612736],
    ['1Ti', 1024 ** 4],
    ['1Pi', 1024 ** 5],
    ['1Ei', 1024 ** 6],
    ['1e3', 1000],
    ['1E3', 1000],
    ['5e-3', 0.005],
    ['1.5e+2', 150],
    ['10n', 1e-8],
    ['3u', 3e-6],
  ];
  for (const [s, want] of cases) assert.equal(parseQuantity(s), want, s);
});

test('parseQuantity: invalid input throws QuantityParseError', () => {
  for (const bad of ['1e1001', '', ' 1', '1 ', 'abc', '1.2.3', '.', '+', '1e', '1Kii', '1KB', '1k1', 'm', '1ki', '--1', '1e1.5', '0x10']) {
    assert.throws(() => parseQuantity(bad), QuantityParseError, bad);
    assert.equal(isValidQuantity(bad), false, bad);
  }
  assert.throws(() => parseQuantity('abc'), /quantities must match the regular expression/);
  assert.throws(() => parseQuantity('1KB'), /unable to parse quantity's suffix/);
  assert.equal(isValidQuantity('250m'), true);
});

test('milliValue and intValue round up away from zero', () => {
  const milli: [string, number][] = [
    ['100m', 100],
    ['1', 1000],
    ['0.1m', 1],
    ['1.0001m', 2],
    ['-0.1m', -1],
    ['1Ki', 1024000],
    ['2.5', 2500],
    ['1n', 1],
    ['0', 0],
  ];
  for (const [s, want] of milli) assert.equal(milliValue(s), want, s);
  const ints: [string, number][] = [
    ['1.5', 2],
    ['100m', 1],
    ['-100m', -1],
    ['1Gi', 1073741824],
    ['2', 2],
  ];
  for (const [s, want] of ints) assert.equal(intValue(s), want, s);
});

test('quantityToString: canonical forms as upstream', () => {
  const cases: [string, string][] = [
    ['0', '0'],
    ['0Mi', '0'],
    ['100m', '100m'],
    ['0.1', '100m'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['1000', '1k'],
    ['12000', '12k'],
    ['12345', '12345'],
    ['1024', '1024'],
    ['1Ki', '1Ki'],
    ['1024Ki', '1Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1536', '1536'],
    ['1e3', '1e3'],
    ['1e4', '10e3'],
    ['1E-3', '1e-3'],
    ['1.5e-1', '150e-3'],
    ['1n', '1n'],
    ['0.1n', '1n'],
    ['-1.5', '-1500m'],
    ['2000E', '2000E'],
    ['1M', '1M'],
  ];
  for (const [s, want] of cases) assert.equal(quantityToString(s), want, s);
  assert.equal(quantityToString(quantityFromMilli(1500)), '1500m');
  assert.equal(quantityToString(quantityFromMilli(2000)), '2');
});

test('compare / add / subtract are exact', () => {
  assert.equal(compareQuantities('1', '1000m'), 0);
  assert.equal(compareQuantities('1Ki', '1k'), 1);
  assert.equal(compareQuantities('999m', '1'), -1);
  assert.equal(compareQuantities('1e3', '1k'), 0);
  assert.equal(compareQuantities('0.1', '100m'), 0);
  assert.equal(quantityToString(addQuantities('100m', '900m')), '1');
  assert.equal(quantityToString(addQuantities('1Gi', '512Mi')), '1536Mi');
  assert.equal(quantityToString(subtractQuantities('1', '250m')), '750m');
  const q = parseQuantityExact('1.5Gi');
  assert.equal(q.format, 'BinarySI');
  assert.equal(q.mantissa * 10n ** BigInt(q.exponent), 1610612736n);
});

test('milliValue/intValue: the fast path for simple strings agrees with the exact (BigInt) path', () => {
  const digits = ['0', '1', '7', '10', '999', '1000', '1001', '123456789', '999999999999999', '007'];
  const suffixes = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  for (const d of digits) {
    for (const suf of suffixes) {
      const s = d + suf;
      const exact = parseQuantityExact(s);
      assert.equal(milliValue(s), milliValue(exact), `milliValue(${s})`);
      assert.equal(intValue(s), intValue(exact), `intValue(${s})`);
    }
  }
  // shapes the fast path leaves to the exact path
  for (const s of ['1.5', '-1', '+1', '1e3', '0.1m', '.5Gi', '1234567890123456']) {
    assert.equal(milliValue(s), milliValue(parseQuantityExact(s)), s);
    assert.equal(intValue(s), intValue(parseQuantityExact(s)), s);
  }
  assert.throws(() => milliValue('1x'));
});
