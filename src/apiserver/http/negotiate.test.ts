import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputForm, wantsAggregatedDiscovery } from './negotiate.js';

test('outputForm picks the first acceptable form', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'object'],
    ['application/json', 'object'],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'table'],
    ['application/vnd.kubernetes.protobuf,application/json', 'object'],
    ['application/vnd.kubernetes.protobuf', 'unsupported'],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json', 'metadata'],
    ['application/json, */*;q=0.8', 'object'],
  ];
  for (const [accept, want] of cases) assert.equal(outputForm(accept), want, String(accept));
});

test('aggregated discovery is detected from kubectl accept header', () => {
  assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), true);
  assert.equal(wantsAggregatedDiscovery('application/json'), false);
  assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'), false);
});
