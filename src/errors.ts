/**
 * Coded errors for conditions a user can cause (bad flags, unreadable files, bad config).
 * Bugs still throw plain Errors; decoders never throw at all (they return null or a code).
 */
export class VoipwatchError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoipwatchError';
    this.code = code;
  }
}

export const isVoipwatchError = (e: unknown): e is VoipwatchError => e instanceof VoipwatchError;
