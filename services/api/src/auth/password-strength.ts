import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { MIN_PASSWORD_LENGTH } from '@roadwatch/contracts';

// zxcvbn's common-password lists (rockyou and the like), keyboard patterns, dates,
// repeats and sequences: a password at score 3 needs ~10^8 guesses at least.
zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

/** zxcvbn's score (0–4) a password must reach. */
export const MIN_PASSWORD_SCORE = 3;

/**
 * zxcvbn's matching grows faster than linearly with length (a 200-character repeated pattern
 * took 127 ms of one core, 64 characters 60 ms, 32 at most 25 ms): it judges the first 32
 * characters only. Characters after them only add guesses, so a prefix strong enough makes
 * the whole strong enough.
 */
const JUDGED_CHARACTERS = 32;

/**
 * Why a new password is too weak, or undefined when it will do: at least
 * MIN_PASSWORD_LENGTH characters, not the user name (nor built around it), and not
 * guessable — zxcvbn score ≥ 3, which refuses common passwords, keyboard walks and
 * sequences. The length is counted after NFKC, as the hash sees the password.
 */
export const passwordWeakness = (password: string, username: string): string | undefined => {
  const normalized = password.normalize('NFKC');
  if ([...normalized].length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (normalized.toLowerCase() === username.toLowerCase()) return 'must not be the user name';
  const result = zxcvbn([...normalized].slice(0, JUDGED_CHARACTERS).join(''), [username, 'roadwatch']);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  return `too easy to guess (strength ${result.score} of 4, at least ${MIN_PASSWORD_SCORE} needed): avoid common words, names, dates, keyboard rows and the user name`;
};
