// Label selectors (upstream k8s.io/apimachinery/pkg/labels): the string syntax
// `a=b,c!=d,e in (x,y),f notin (z),g,!h` and metav1.LabelSelector objects, both compiled to
// one matcher type. Also the label key/value validation rules the selector grammar relies on.
import type { LabelSelector } from './types/index.js';
import { isDNS1123Subdomain, maxLenError, regexError } from './validation/names.js';

/** A selector string or object that does not parse; the message is what the apiserver returns (400). */
export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

/** Requirement operators, spelled as upstream's selection.Operator. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One term of a selector: `key op values`. `values` is sorted and de-duplicated for set operators. */
export interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
}

/**
 * Contract: a compiled label selector. `matches` is pure and total (undefined labels = no labels);
 * `empty()` is true only for the match-everything selector; `toString()` is the canonical
 * form upstream prints (requirements sorted by key, set values sorted).
 */
export interface Selector {
  readonly requirements: readonly Requirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  empty(): boolean;
  toString(): string;
}

// ---------------------------------------------------------------------------------------------
// Validation (upstream k8s.io/apimachinery/pkg/util/validation). Each returns error strings; [] = valid.

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** RFC 1123 subdomain (at most 253 characters), as used for label key prefixes. */
export const validateDNS1123Subdomain = isDNS1123Subdomain;

/** A label key (upstream IsQualifiedName): `[prefix/]name`, name ≤ 63 characters, prefix a DNS subdomain. */
export function validateLabelKey(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of validateDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME_RE.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** A label value (upstream IsValidLabelValue): empty, or ≤ 63 alphanumerics with `-_.` inside. */
export function validateLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Requirements and selectors.

const SET_OPS: ReadonlySet<Operator> = new Set(['in', 'notin']);
/** metav1.LabelSelector expression operators → requirement operators. */
const EXPRESSION_OPS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** Builds one validated requirement (upstream NewRequirement); throws SelectorParseError. */
export function newRequirement(key: string, op: Operator, values: readonly string[]): Requirement {
  // 1. The key must be a qualified name.
  const keyErrs = validateLabelKey(key);
  if (keyErrs.length) throw new SelectorParseError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  // 2. The number of values must fit the operator.
  if (SET_OPS.has(op) && values.length === 0) throw new SelectorParseError("for 'in', 'notin' operators, values set can't be empty");
  if ((op === '=' || op === '==' || op === '!=') && values.length !== 1) throw new SelectorParseError('exact-match compatibility requires one single value');
  if ((op === 'exists' || op === '!') && values.length !== 0) throw new SelectorParseError("values set must be empty for exists and does not exist");
  if (op === 'gt' || op === 'lt') {
    if (values.length !== 1) throw new SelectorParseError("for 'Gt', 'Lt' operators, exactly one value is required");
    if (!/^-?\d+$/.test(values[0]!)) throw new SelectorParseError("for 'Gt', 'Lt' operators, the value must be an integer");
  }
  // 3. Each value must be a valid label value (numbers for gt/lt were checked above).
  if (op !== 'gt' && op !== 'lt') {
    values.forEach((v, i) => {
      const errs = validateLabelValue(v);
      if (errs.length) throw new SelectorParseError(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`);
    });
  }
  const vals = SET_OPS.has(op) ? [...new Set(values)].sort() : [...values];
  return { key, op, values: vals };
}

/** Does one requirement hold for a label set? */
export function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key]! : '';
  switch (r.op) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v)) return false;
      const lhs = BigInt(v);
      const rhs = BigInt(r.values[0]!);
      return r.op === 'gt' ? lhs > rhs : lhs < rhs;
    }
  }
}

/** The canonical text of one requirement (upstream Requirement.String). */
export function requirementToString(r: Requirement): string {
  switch (r.op) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.op} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.op}${r.values[0]}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled matching: hot paths (the scheduler evaluates selectors per node and per pod) compile a
// selector once into a predicate; Selector.matches uses the same predicate.

/**
 * Contract: a compiled selector. `matches` is pure; `empty` is true when it matches everything,
 * `nothing` when it matches nothing (a nil selector).
 */
export interface LabelMatcher {
  matches(labels: Record<string, string> | undefined): boolean;
  readonly empty: boolean;
  readonly nothing: boolean;
}

const NOTHING_MATCHER: LabelMatcher = { matches: () => false, empty: false, nothing: true };
const EVERYTHING_MATCHER: LabelMatcher = { matches: () => true, empty: true, nothing: false };
const hasOwn = (l: Record<string, string>, k: string): boolean => Object.prototype.hasOwnProperty.call(l, k);

/** One requirement as a predicate, with the same answers as `requirementMatches`. */
function compileRequirement(r: Requirement): (l: Record<string, string>) => boolean {
  const k = r.key;
  switch (r.op) {
    case '=':
    case '==':
    case 'in': {
      if (r.values.length === 1) { const v = r.values[0]; return (l) => l[k] === v && hasOwn(l, k); }
      const vals = new Set(r.values);
      return (l) => hasOwn(l, k) && vals.has(l[k]!);
    }
    case '!=':
    case 'notin': {
      const vals = new Set(r.values);
      return (l) => !hasOwn(l, k) || !vals.has(l[k]!);
    }
    case 'exists': return (l) => hasOwn(l, k);
    case '!': return (l) => !hasOwn(l, k);
    default: return (l) => requirementMatches(r, l);
  }
}

/** Contract: compiles requirements (ANDed; none = everything) into a matcher. */
export function compileRequirements(reqs: readonly Requirement[]): LabelMatcher {
  if (reqs.length === 0) return EVERYTHING_MATCHER;
  const checks = reqs.map(compileRequirement);
  if (checks.length === 1) {
    const c = checks[0]!;
    return { empty: false, nothing: false, matches: (labels) => c(labels ?? {}) };
  }
  return {
    empty: false,
    nothing: false,
    matches: (labels) => {
      const l = labels ?? {};
      for (const c of checks) if (!c(l)) return false;
      return true;
    },
  };
}

/**
 * Contract: a metav1.LabelSelector compiled for repeated matching, without validation (objects in
 * the store were validated on write): undefined/null matches nothing, `{}` everything, an unknown
 * expression operator nothing. Matching answers equal `selectorFromLabelSelector(ls).matches`.
 */
export function labelSelectorMatcher(ls: LabelSelector | undefined | null): LabelMatcher {
  if (ls === undefined || ls === null) return NOTHING_MATCHER;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of ls.matchExpressions ?? []) {
    const op = Object.hasOwn(EXPRESSION_OPS, e.operator) ? EXPRESSION_OPS[e.operator] : undefined;
    if (!op) return NOTHING_MATCHER;
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return compileRequirements(reqs);
}

/** Contract: the matcher requiring exactly these labels (an empty or missing map matches everything). */
export function labelSetMatcher(set: Record<string, string> | undefined): LabelMatcher {
  return labelSelectorMatcher({ matchLabels: set ?? {} });
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  private compiled: LabelMatcher | undefined;
  constructor(reqs: Requirement[]) {
    // Stable sort by key, as upstream does after parsing.
    this.requirements = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  matches(labels: Record<string, string> | undefined): boolean {
    return (this.compiled ??= compileRequirements(this.requirements)).matches(labels);
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

class NothingSelector implements Selector {
  readonly requirements: readonly Requirement[] = [];
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
}

/** The selector that matches every label set. */
export function everything(): Selector {
  return new RequirementsSelector([]);
}

/** The selector that matches nothing (a nil metav1.LabelSelector). */
export function nothing(): Selector {
  return new NothingSelector();
}

/** A selector from explicit requirements (each already validated by newRequirement). */
export function selectorFromRequirements(reqs: Requirement[]): Selector {
  return new RequirementsSelector(reqs);
}

/** The equality selector for a label map (`matchLabels` alone, or `Service.spec.selector`). */
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([k, v]) => newRequirement(k, '=', [v])));
}

// ---------------------------------------------------------------------------------------------
// The string grammar: a small lexer and a recursive-descent parser, as upstream.

type TokenKind = 'id' | 'in' | 'notin' | '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' | 'eos';
interface Token {
  kind: TokenKind;
  text: string;
}

const SPECIAL = new Set(['!', '=', '>', '<', '(', ')', ',']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (WHITESPACE.has(c)) {
      i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        out.push({ kind: two, text: two });
        i += 2;
      } else {
        out.push({ kind: c as TokenKind, text: c });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < input.length && !SPECIAL.has(input[j]!) && !WHITESPACE.has(input[j]!)) j++;
    const word = input.slice(i, j);
    out.push({ kind: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', text: word });
    i = j;
  }
  out.push({ kind: 'eos', text: '' });
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  /** Looks at the next token; in value position the keywords `in`/`notin` are plain identifiers. */
  private peek(values = false): Token {
    const t = this.toks[this.pos]!;
    return values && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'id', text: t.text } : t;
  }
  private next(values = false): Token {
    const t = this.peek(values);
    if (t.kind !== 'eos') this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    // 1. An empty selector is valid and matches everything.
    if (this.peek().kind === 'eos') return reqs;
    // 2. requirement (',' requirement)* eos
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'id' && t.kind !== '!') throw new SelectorParseError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.requirement());
      const sep = this.next();
      if (sep.kind === 'eos') return reqs;
      if (sep.kind !== ',') throw new SelectorParseError(`found '${sep.text}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.kind !== 'id' && after.kind !== '!') throw new SelectorParseError(`found '${after.text || 'end of string'}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    // 1. Key, with an optional leading `!` (does-not-exist).
    let negated = false;
    if (this.peek().kind === '!') {
      this.next();
      negated = true;
    }
    const keyTok = this.next();
    if (keyTok.kind !== 'id') throw new SelectorParseError(`found '${keyTok.text || 'end of string'}', expected: identifier`);
    const key = keyTok.text;
    if (negated) return newRequirement(key, '!', []);
    // 2. A bare key is an existence test.
    const look = this.peek();
    if (look.kind === 'eos' || look.kind === ',') return newRequirement(key, 'exists', []);
    // 3. Operator.
    const opTok = this.next();
    switch (opTok.kind) {
      case 'in':
      case 'notin':
        return newRequirement(key, opTok.kind, this.setValues());
      case '=':
      case '==':
      case '!=':
        return newRequirement(key, opTok.kind, [this.exactValue()]);
      case '>':
        return newRequirement(key, 'gt', [this.exactValue()]);
      case '<':
        return newRequirement(key, 'lt', [this.exactValue()]);
      default:
        throw new SelectorParseError(`found '${opTok.text || 'end of string'}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private exactValue(): string {
    const t = this.peek(true);
    if (t.kind === 'eos' || t.kind === ',') return '';
    this.next(true);
    if (t.kind === 'id') return t.text;
    throw new SelectorParseError(`found '${t.text}', expected: identifier`);
  }

  private setValues(): string[] {
    const open = this.next(true);
    if (open.kind !== '(') throw new SelectorParseError(`found '${open.text || 'end of string'}', expected: '('`);
    const values: string[] = [];
    // A list of possibly empty identifiers separated by commas, closed by ')'.
    let expectValue = true;
    for (;;) {
      const t = this.next(true);
      if (t.kind === 'id' && expectValue) {
        values.push(t.text);
        expectValue = false;
      } else if (t.kind === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.kind === ')') {
        if (expectValue) values.push('');
        return values;
      } else {
        throw new SelectorParseError(`found '${t.text || 'end of string'}', expected: ',', ')' or identifier`);
      }
    }
  }
}

/** Parses the selector string syntax; throws SelectorParseError. "" selects everything. */
export function parseSelector(s: string): Selector {
  try {
    return new RequirementsSelector(new Parser(lex(s)).parse());
  } catch (err) {
    if (err instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${err.message}`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// metav1.LabelSelector.

/**
 * metav1.LabelSelectorAsSelector: undefined/null matches nothing, `{}` matches everything,
 * otherwise matchLabels (equality) AND matchExpressions. Throws SelectorParseError on bad input.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === undefined || ls === null) return nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
  for (const expr of ls.matchExpressions ?? []) {
    const op = Object.hasOwn(EXPRESSION_OPS, expr.operator) ? EXPRESSION_OPS[expr.operator] : undefined;
    if (!op) throw new SelectorParseError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return new RequirementsSelector(reqs);
}

/** metav1.FormatLabelSelector: the canonical string, `<none>` when empty, `<error>` when invalid. */
export function labelSelectorToString(ls: LabelSelector | undefined | null): string {
  let s: string;
  try {
    s = selectorFromLabelSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return s.length === 0 ? '<none>' : s;
}
