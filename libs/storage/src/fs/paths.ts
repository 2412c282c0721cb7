import { constants } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { InvalidKeyError } from '../errors';

/**
 * Maps keys to paths under a base directory and refuses anything that would resolve outside it,
 * whether through the key itself (already validated, but checked again here as defence in depth)
 * or through a symbolic link planted inside the store.
 */
export class ContainedDir {
  private constructor(
    readonly base: string,
    private readonly realBase: string,
  ) {}

  static async open(base: string): Promise<ContainedDir> {
    const abs = path.resolve(base);
    await mkdir(abs, { recursive: true });
    return new ContainedDir(abs, await realpath(abs));
  }

  pathFor(key: string, suffix = ''): string {
    const p = path.join(this.base, ...key.split('/')) + suffix;
    const rel = path.relative(this.base, p);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
      throw new InvalidKeyError(key, 'escapes the store root');
    return p;
  }

  private inside(real: string): boolean {
    return real === this.realBase || real.startsWith(this.realBase + path.sep);
  }

  /**
   * Resolves the deepest existing ancestor of `dir` through symlinks and checks it stays inside.
   * Returns false when `dir` itself does not exist yet.
   */
  async checkDir(dir: string, key: string): Promise<boolean> {
    for (let d = dir, exact = true; ; d = path.dirname(d), exact = false) {
      try {
        const real = await realpath(d);
        if (!this.inside(real))
          throw new InvalidKeyError(key, 'resolves outside the store root through a symbolic link');
        return exact;
      } catch (err) {
        if (
          (err as NodeJS.ErrnoException).code !== 'ENOENT' &&
          (err as NodeJS.ErrnoException).code !== 'ENOTDIR'
        )
          throw err;
        if (d === this.base) throw err;
      }
    }
  }

  /** Creates the parent directory of `file` only after proving no existing ancestor escapes. */
  async prepareParent(file: string, key: string): Promise<void> {
    const dir = path.dirname(file);
    if (await this.checkDir(dir, key)) return;
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code === 'ENOTDIR' ||
        (err as NodeJS.ErrnoException).code === 'EEXIST'
      ) {
        throw new InvalidKeyError(
          key,
          'a parent segment is an existing blob (fs driver keeps keys as paths)',
        );
      }
      throw err;
    }
    await this.checkDir(dir, key);
  }
}

/** Opening with O_NOFOLLOW makes a symlink in the final component fail with ELOOP instead of being read. */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;
