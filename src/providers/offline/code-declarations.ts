/**
 * Declarations in code, found line by line with regular expressions: enough to know that a passage is
 * `function retryDelay` or `method Dispatcher.cancel`, and to start a passage where a declaration
 * starts. No parser: it must be fast on every file of a large folder and forgiving of any syntax.
 */

export interface Declaration {
  /** `function`, `class`, `method`, `interface`, `type`, `enum`, `struct`, … */
  kind: string;
  name: string;
  /** Columns of leading whitespace (a tab counts as one). */
  indent: number;
}

type Family = 'js' | 'python' | 'go' | 'rust' | 'c-like' | 'ruby';

const FAMILY_BY_LANGUAGE: Record<string, Family> = {
  typescript: 'js', tsx: 'js', javascript: 'js', jsx: 'js', vue: 'js', svelte: 'js',
  python: 'python', go: 'go', rust: 'rust', ruby: 'ruby',
  java: 'c-like', kotlin: 'c-like', csharp: 'c-like', scala: 'c-like', swift: 'c-like', dart: 'c-like',
  c: 'c-like', cpp: 'c-like', php: 'c-like',
};

/** Whether declarations are looked for in files of this fence language (see code-language.ts). */
export function hasDeclarations(language: string | undefined): boolean {
  return language !== undefined && language in FAMILY_BY_LANGUAGE;
}

const JS_TOP =
  /^(\s*)(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function\*?|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const JS_CONST_FUNCTION = /^(\s*)(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)?\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>|\(\s*$)/;
/**
 * CommonJS and prototype code declares by assignment: `Runner.prototype.run = function (fn) {`,
 * `exports.lint = async (options) =>`, `context.describe = context.context = function (title, fn) {`.
 * The first dotted name is kept whole, since each part says what the function belongs to.
 */
const JS_ASSIGNED_FUNCTION = /^(\s*)((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*)\s*=\s*(?:[\w$.]+\s*=\s*)*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;
/** An object literal's function member: `  beforeEach: function (name, fn) {`, `  skip: (title) => {`. */
const JS_OBJECT_FUNCTION = /^(\s+)([A-Za-z_$][\w$]*)\s*:\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;
/** `  async replan(next: Plan): Promise<X> {`: a member, its parameters possibly running onto more lines. */
const JS_METHOD =
  /^(\s+)(?:(?:public|private|protected|static|async|readonly|override|abstract|get|set)\s+)*(#?[A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\((?!\s*['"`])(?:.*\)\s*(?::.*)?\{|[^)]*)\s*$/;
/** A call with a callback (`  it('…', () => {`) looks like a member; its arrow gives it away. */
const JS_CALLBACK = /=>\s*\{?\s*$|\)\s*;\s*$/;
const JS_KEYWORD = /\b(?:function|class|interface|type|enum|namespace)\b/;
const JS_NOT_METHOD = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'await', 'typeof', 'new', 'super', 'with', 'do', 'else']);
const PYTHON = /^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)/;
const GO = /^()func\s+(?:\(\s*\w*\s*\*?(\w+)[^)]*\)\s*)?(\w+)|^()type\s+(\w+)\s+(struct|interface)\b/;
const RUST = /^(\s*)(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?(fn|struct|enum|trait|impl|mod)\s+(?:<[^>]*>\s*)?([A-Za-z_]\w*)/;
const RUBY = /^(\s*)(def|class|module)\s+(?:self\.)?([A-Za-z_][\w?!]*)/;
const C_LIKE_TYPE = /^(\s*)(?:(?:public|private|protected|internal|static|final|abstract|sealed|data|open|export)\s+)*(class|interface|struct|enum|record|object|trait)\s+([A-Za-z_]\w*)/;
const C_LIKE_FUNCTION =
  /^(\s*)(?:(?:public|private|protected|internal|static|final|override|virtual|async|suspend|inline|extern|const|unsafe|open)\s+)*(?:fun\s+|func\s+|function\s+|def\s+)?(?:[\w<>[\],.*&:? ]+\s+)?([A-Za-z_]\w*)\s*\([^;]*$/;
const C_NOT_FUNCTION = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'sizeof', 'else', 'do', 'foreach', 'using', 'lock', 'new', 'throw']);

/** The declaration a line starts, if it starts one. */
export function declarationAt(line: string, language: string): Declaration | undefined {
  const family = FAMILY_BY_LANGUAGE[language];
  const indentOf = (space: string) => space.length;
  let m: RegExpExecArray | null;
  switch (family) {
    case 'js':
      // Cheap checks first: most lines of code are neither declarations nor members.
      if (!line.includes('(') && !JS_KEYWORD.test(line)) return undefined;
      if ((m = JS_TOP.exec(line))) return { kind: m[2].replace('*', ''), name: m[3], indent: indentOf(m[1]) };
      if (line.includes('=') && (m = JS_CONST_FUNCTION.exec(line))) return { kind: 'function', name: m[2], indent: indentOf(m[1]) };
      if (line.includes('=') && (m = JS_ASSIGNED_FUNCTION.exec(line))) {
        return { kind: m[2].includes('.prototype.') ? 'method' : 'function', name: m[2].replace('.prototype.', '.'), indent: indentOf(m[1]) };
      }
      if (line.includes(':') && (m = JS_OBJECT_FUNCTION.exec(line))) return { kind: 'method', name: m[2], indent: indentOf(m[1]) };
      if (line.length < 200 && (m = JS_METHOD.exec(line)) && !JS_NOT_METHOD.has(m[2]) && !JS_CALLBACK.test(line)) {
        return { kind: 'method', name: m[2], indent: indentOf(m[1]) };
      }
      return undefined;
    case 'python':
      if ((m = PYTHON.exec(line))) return { kind: m[2] === 'def' ? (m[1].length > 0 ? 'method' : 'function') : 'class', name: m[3], indent: indentOf(m[1]) };
      return undefined;
    case 'go':
      if ((m = GO.exec(line))) {
        if (m[3]) return { kind: m[2] ? 'method' : 'function', name: m[2] ? `${m[2]}.${m[3]}` : m[3], indent: 0 };
        return { kind: m[6], name: m[5], indent: 0 };
      }
      return undefined;
    case 'rust':
      if ((m = RUST.exec(line))) return { kind: m[2] === 'fn' ? (m[1].length > 0 ? 'method' : 'function') : m[2], name: m[3], indent: indentOf(m[1]) };
      return undefined;
    case 'ruby':
      if ((m = RUBY.exec(line))) return { kind: m[2] === 'def' ? 'method' : m[2], name: m[3], indent: indentOf(m[1]) };
      return undefined;
    case 'c-like':
      if ((m = C_LIKE_TYPE.exec(line))) return { kind: m[2], name: m[3], indent: indentOf(m[1]) };
      if (!/[;=]\s*$/.test(line) && (m = C_LIKE_FUNCTION.exec(line)) && !C_NOT_FUNCTION.has(m[2])) {
        return { kind: m[1].length > 0 ? 'method' : 'function', name: m[2], indent: indentOf(m[1]) };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Comment lines that document the declaration below them: they stay in its passage. */
export const DOC_COMMENT_LINE = /^\s*(?:\/\*\*?|\*|\*\/|\/\/\/?|#(?!!)|--|@\w)/;
