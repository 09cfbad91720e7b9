import ignore, { type Ignore } from 'ignore';

/** The rules of one `.gitignore` file, which apply to paths relative to the directory holding it. */
interface RuleFile {
  /** Directory of the `.gitignore`, relative to the root with `/` separators; '' for the root. */
  base: string;
  rules: Ignore;
}

/**
 * The `.gitignore` files that apply inside one directory: those of the directory and of each of its
 * ancestors up to the root, shallowest first. Immutable, so every directory on the walk's stack can
 * hold its own chain and share the parents' rules without copying them.
 */
export class GitignoreChain {
  private constructor(private readonly files: readonly RuleFile[]) {}

  static readonly empty = new GitignoreChain([]);

  /** The chain for a subdirectory `base` whose `.gitignore` holds `content`. */
  with(base: string, content: string): GitignoreChain {
    return new GitignoreChain([...this.files, { base, rules: ignore().add(content) }]);
  }

  /**
   * Whether `relPath` (relative to the root, `/` separators) is ignored. As in git, a deeper
   * `.gitignore` overrides a shallower one, so `!keep.log` in `logs/.gitignore` wins over `*.log` at
   * the root. Directories are tested with a trailing slash so that patterns like `build/` match them.
   */
  ignores(relPath: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const file of this.files) {
      const local = file.base === '' ? relPath : relPath.slice(file.base.length + 1);
      if (local === '') continue;
      const result = testPath(file.rules, isDirectory ? `${local}/` : local);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}

/** `ignore` throws on names it takes for relative paths (a folder named `...`); no rule applies to those. */
function testPath(rules: Ignore, path: string): { ignored: boolean; unignored: boolean } {
  try {
    return rules.test(path);
  } catch {
    return { ignored: false, unignored: false };
  }
}
