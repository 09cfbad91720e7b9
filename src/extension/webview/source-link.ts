import { realpath } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Where a citation link in a report may lead: a file inside one of the allowed folders (the
 * workspace folders), resolved against the report's folder. A path that climbs out (`../../../etc`),
 * an absolute path, or a link (symlink) that leads outside is refused with the reason.
 */
export type SourceResolution = { ok: true; file: string } | { ok: false; why: string };

/** Lexical check: where `linkPath`, relative to the report, lands, and whether that is allowed. */
export function resolveSourcePath(linkPath: string, reportPath: string, allowedRoots: readonly string[]): SourceResolution {
  if (linkPath.includes('\0')) return { ok: false, why: 'the path contains a NUL character' };
  if (path.isAbsolute(linkPath) || path.win32.isAbsolute(linkPath)) return { ok: false, why: 'citations are relative to the report; absolute paths are not opened' };
  const file = path.resolve(path.dirname(path.resolve(reportPath)), linkPath);
  if (!allowedRoots.some((root) => isInside(file, root))) return { ok: false, why: `${linkPath} is outside the workspace` };
  return { ok: true, file };
}

/** The lexical check, then the same check on real paths, so a symlink cannot lead outside. */
export async function resolveSourceFile(linkPath: string, reportPath: string, allowedRoots: readonly string[]): Promise<SourceResolution> {
  const lexical = resolveSourcePath(linkPath, reportPath, allowedRoots);
  if (!lexical.ok) return lexical;
  let real: string;
  try {
    real = await realpath(lexical.file);
  } catch {
    return { ok: false, why: `${linkPath} does not exist` };
  }
  const realRoots = await Promise.all(allowedRoots.map((root) => realpath(root).catch(() => path.resolve(root))));
  if (!realRoots.some((root) => isInside(real, root))) return { ok: false, why: `${linkPath} leads outside the workspace` };
  return { ok: true, file: real };
}

function isInside(file: string, root: string): boolean {
  const relative = path.relative(path.resolve(root), file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
