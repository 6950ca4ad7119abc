import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule } from '../../api/types/rbac.js';
import { attributesOf, resourceRuleAllows } from '../authz/rules.js';
import { parseRequestInfo } from '../request-info.js';

// Proxy requests are authorized as upstream: the HTTP method's verb on `<resource>/proxy`.
test('proxy subresources authorize with the method verb on <resource>/proxy', () => {
  const rule = (verbs: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups: [''], resources });
  const cases: [string, string, PolicyRule, boolean][] = [
    ['GET', '/api/v1/nodes/n1/proxy/stats/summary', rule(['get'], ['nodes/proxy']), true],
    ['GET', '/api/v1/nodes/n1/proxy/stats/summary', rule(['get', 'list'], ['nodes']), false],
    ['POST', '/api/v1/nodes/n1/proxy/run', rule(['get'], ['nodes/proxy']), false],
    ['POST', '/api/v1/nodes/n1/proxy/run', rule(['create'], ['nodes/proxy']), true],
    ['GET', '/api/v1/namespaces/default/services/web:80/proxy/', rule(['get'], ['services/proxy']), true],
    ['GET', '/api/v1/namespaces/default/services/web:80/proxy/', rule(['get'], ['pods/proxy']), false],
    ['PUT', '/api/v1/namespaces/default/pods/p/proxy/x', rule(['update'], ['pods/proxy']), true],
    ['DELETE', '/api/v1/namespaces/default/pods/p/proxy/x', rule(['delete'], ['*/proxy']), true],
    ['PATCH', '/api/v1/namespaces/default/pods/p/proxy', rule(['get', 'create'], ['pods/proxy']), false],
  ];
  for (const [method, path, r, want] of cases) {
    const a = attributesOf(parseRequestInfo(method, path, new URLSearchParams()));
    assert.equal(resourceRuleAllows(r, a), want, `${method} ${path} with ${JSON.stringify(r)}`);
  }
});
