/**
 * The $filter subset Exchange answers on messages (and a few folder/user properties):
 * eq ne gt ge lt le, and/or/not, parentheses, contains/startswith/endswith, and any() lambdas on
 * collections. Parsing checks property names and operand types the way Graph does, so a quoted
 * date or a misspelled property fails here as it fails there.
 */
import { errors, GraphError } from './http';

export type PropType = 'string' | 'bool' | 'date' | 'enum' | 'number' | 'collection';

export interface PropDef<T = any> {
  type: PropType;
  get(item: T): unknown;
  /** For collections: the element's properties; '' is the element itself. */
  element?: Record<string, PropDef>;
}

export interface EntityDef<T = any> {
  /** e.g. microsoft.graph.message, for error messages. */
  typeName: string;
  /** Lower-case property paths, e.g. 'from/emailaddress/address'. */
  props: Record<string, PropDef<T>>;
}

type Literal = { kind: 'lit'; type: 'string' | 'bool' | 'date' | 'number' | 'null'; value: unknown; text: string };
/** `variable` is set for a lambda's range variable: the value then comes from the current element. */
type PropRef = { kind: 'prop'; path: string; def: PropDef; variable?: string };
type Operand = Literal | PropRef;
type Node =
  | { kind: 'cmp'; op: string; left: Operand; right: Operand }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; expr: Node }
  | { kind: 'fn'; name: string; target: PropRef; arg: Literal }
  | { kind: 'any'; collection: PropRef; variable: string; body: Node };

export interface ParsedFilter {
  /** Property paths in the order they first appear (for Exchange's $orderby rule). */
  properties: string[];
  test(item: unknown): boolean;
}

const CMP_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const OP_NAMES: Record<string, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' };
const EDM: Record<string, string> = { string: 'Edm.String', bool: 'Edm.Boolean', date: 'Edm.DateTimeOffset', number: 'Edm.Int32', enum: 'microsoft.graph.importance', collection: 'Collection', null: 'null' };
const FUNCTIONS = ['contains', 'startswith', 'endswith'];

type Token = { t: 'punct' | 'str' | 'num' | 'date' | 'word'; v: string; pos: number };

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('(),:'.includes(c)) {
      tokens.push({ t: 'punct', v: c, pos: i++ });
      continue;
    }
    if (c === "'") {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= s.length) throw syntax(`Unterminated string literal at position ${i} in '${s}'.`);
        if (s[j] === "'") {
          if (s[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += s[j++];
      }
      tokens.push({ t: 'str', v, pos: i });
      i = j + 1;
      continue;
    }
    const rest = s.slice(i);
    const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/.exec(rest);
    if (date && date[0].length > 4) {
      tokens.push({ t: 'date', v: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ t: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_@][A-Za-z0-9_.]*(\/[A-Za-z_][A-Za-z0-9_.]*)*/.exec(rest);
    if (word) {
      tokens.push({ t: 'word', v: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    throw syntax(`Syntax error: character '${c}' is not valid at position ${i} in '${s}'.`);
  }
  return tokens;
}

function syntax(message: string): GraphError {
  return errors.badRequest(`Invalid filter clause: ${message}`);
}

function unsupported(): GraphError {
  return errors.badRequest('The query filter contains one or more invalid nodes.', 'ErrorInvalidUrlQueryFilter');
}

class Parser {
  private i = 0;
  readonly properties: string[] = [];
  private scopes: { variable: string; element: Record<string, PropDef> }[] = [];

  constructor(
    private tokens: Token[],
    private entity: EntityDef,
    private source: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.peek()) throw syntax(`Syntax error at position ${this.peek()!.pos} in '${this.source}'.`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw syntax(`Expression expected at the end of '${this.source}'.`);
    return t;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v.toLowerCase() === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw syntax(`'${v}' expected at position ${t.pos} in '${this.source}'.`);
  }

  private or(): Node {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.isWord('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.isWord('not')) {
      this.i++;
      return { kind: 'not', expr: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.peek();
    if (t?.v === '(' && t.t === 'punct') {
      this.i++;
      const node = this.or();
      this.expect(')');
      return node;
    }
    if (t?.t === 'word' && FUNCTIONS.includes(t.v.toLowerCase()) && this.tokens[this.i + 1]?.v === '(') return this.fn();
    if (t?.t === 'word' && /\/(any|all)$/i.test(t.v) && this.tokens[this.i + 1]?.v === '(') return this.lambda();
    if (t?.t === 'word' && FUNCTIONS.concat(['substringof', 'tolower', 'toupper', 'length', 'indexof', 'year']).includes(t.v.toLowerCase()))
      throw unsupported();
    const left = this.operand();
    const opTok = this.next();
    const op = opTok.v.toLowerCase();
    if (opTok.t !== 'word' || !CMP_OPS.includes(op)) {
      if (['has', 'in', 'add', 'sub', 'mul', 'div', 'mod'].includes(op)) throw unsupported();
      throw syntax(`Syntax error at position ${opTok.pos} in '${this.source}'.`);
    }
    const right = this.operand();
    checkTypes(left, right, op);
    return { kind: 'cmp', op, left, right };
  }

  private fn(): Node {
    const name = this.next().v.toLowerCase();
    this.expect('(');
    const target = this.operand();
    this.expect(',');
    const arg = this.operand();
    this.expect(')');
    if (target.kind !== 'prop' || arg.kind !== 'lit') throw unsupported();
    if (target.def.type !== 'string' || arg.type !== 'string')
      throw errors.badRequest(`No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${name}(Edm.String Nullable=true, Edm.String Nullable=true).`);
    return { kind: 'fn', name, target, arg };
  }

  private lambda(): Node {
    const word = this.next().v;
    const collectionPath = word.slice(0, word.lastIndexOf('/'));
    if (word.toLowerCase().endsWith('/all')) throw unsupported();
    const collection = this.prop(collectionPath);
    if (collection.def.type !== 'collection' || !collection.def.element) throw unsupported();
    this.expect('(');
    const variable = this.next();
    if (variable.t !== 'word') throw syntax(`Range variable expected at position ${variable.pos}.`);
    this.expect(':');
    this.scopes.push({ variable: variable.v, element: collection.def.element });
    const body = this.or();
    this.scopes.pop();
    this.expect(')');
    return { kind: 'any', collection, variable: variable.v, body };
  }

  private operand(): Operand {
    const t = this.next();
    switch (t.t) {
      case 'str':
        return { kind: 'lit', type: 'string', value: t.v, text: `'${t.v}'` };
      case 'num':
        return { kind: 'lit', type: 'number', value: Number(t.v), text: t.v };
      case 'date': {
        const ms = Date.parse(t.v.length === 10 ? `${t.v}T00:00:00Z` : /Z|[+-]\d{2}:\d{2}$/.test(t.v) ? t.v : `${t.v}Z`);
        if (Number.isNaN(ms)) throw syntax(`The DateTimeOffset text '${t.v}' should be in format 'yyyy-mm-ddThh:mm:ss('.'s+)?(zzzzzz)?' and each field value is within valid range.`);
        return { kind: 'lit', type: 'date', value: ms, text: t.v };
      }
      case 'word': {
        const lower = t.v.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'lit', type: 'bool', value: lower === 'true', text: lower };
        if (lower === 'null') return { kind: 'lit', type: 'null', value: null, text: 'null' };
        return this.prop(t.v);
      }
      default:
        throw syntax(`Syntax error at position ${t.pos} in '${this.source}'.`);
    }
  }

  private prop(path: string): PropRef {
    const [head, ...rest] = path.split('/');
    const scope = [...this.scopes].reverse().find((s) => s.variable === head);
    if (scope) {
      const key = rest.join('/').toLowerCase();
      const def = scope.element[key];
      if (!def) throw errors.badRequest(`Could not find a property named '${rest.join('/') || head}' on the range variable '${head}'.`);
      return { kind: 'prop', path: key, def, variable: head };
    }
    const key = path.toLowerCase();
    const def = this.entity.props[key];
    if (!def) throw errors.badRequest(`Could not find a property named '${path.split('/').pop()}' on type '${this.entity.typeName}'.`);
    if (!this.properties.includes(key)) this.properties.push(key);
    return { kind: 'prop', path: key, def };
  }
}

function typeOf(o: Operand): string {
  return o.kind === 'lit' ? o.type : o.def.type;
}

function checkTypes(left: Operand, right: Operand, op: string): void {
  const a = typeOf(left);
  const b = typeOf(right);
  if (a === 'null' || b === 'null' || a === b) return;
  const compatible = (x: string, y: string) => (x === 'enum' && y === 'string') || (x === 'string' && y === 'enum');
  if (compatible(a, b)) return;
  throw errors.badRequest(
    `A binary operator with incompatible types was detected. Found operand types '${EDM[a] ?? a}' and '${EDM[b] ?? b}' for operator kind '${OP_NAMES[op]}'.`,
  );
}

function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = norm(a);
  const y = norm(b);
  switch (op) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
  }
  if (x === null || x === undefined || y === null || y === undefined) return false;
  switch (op) {
    case 'gt':
      return (x as any) > (y as any);
    case 'ge':
      return (x as any) >= (y as any);
    case 'lt':
      return (x as any) < (y as any);
    default:
      return (x as any) <= (y as any);
  }
}

function evaluate(node: Node, item: unknown, vars: Map<string, unknown>): boolean {
  const value = (o: Operand): unknown => {
    if (o.kind === 'lit') return o.value;
    if (o.variable) return o.def.get(vars.get(o.variable));
    return o.def.get(item);
  };
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, item, vars) && evaluate(node.right, item, vars);
    case 'or':
      return evaluate(node.left, item, vars) || evaluate(node.right, item, vars);
    case 'not':
      return !evaluate(node.expr, item, vars);
    case 'cmp':
      return compare(node.op, value(node.left), value(node.right));
    case 'fn': {
      const s = String(value(node.target) ?? '').toLowerCase();
      const arg = String(node.arg.value).toLowerCase();
      return node.name === 'contains' ? s.includes(arg) : node.name === 'startswith' ? s.startsWith(arg) : s.endsWith(arg);
    }
    case 'any': {
      const elements = (node.collection.def.get(item) as unknown[]) ?? [];
      return elements.some((e) => evaluate(node.body, item, new Map(vars).set(node.variable, e)));
    }
  }
}

export function parseFilter(source: string, entity: EntityDef): ParsedFilter {
  const parser = new Parser(tokenize(source), entity, source);
  const ast = parser.parse();
  return { properties: parser.properties, test: (item) => evaluate(ast, item, new Map()) };
}
