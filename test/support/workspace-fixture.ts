import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TaskContext, TaskResult } from '../../src/core/executor';

/** A throwaway folder under the system temp dir, filled from a map of relative path → content. */
export async function makeWorkspace(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'offline-provider-'));
  await addFiles(root, files);
  return root;
}

export async function addFiles(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

export async function removeWorkspace(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** Creates a symbolic link, or returns false where the platform does not allow it (Windows without rights). */
export async function trySymlink(target: string, path: string): Promise<boolean> {
  try {
    await symlink(target, path);
    return true;
  } catch {
    return false;
  }
}

export function taskContext(question: string, options: { inputs?: Map<string, TaskResult>; signal?: AbortSignal; progress?: string[] } = {}): TaskContext {
  return {
    signal: options.signal ?? new AbortController().signal,
    attempt: 1,
    inputs: options.inputs ?? new Map(),
    question,
    progress: (message) => options.progress?.push(message),
  };
}
