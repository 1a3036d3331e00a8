// Server errors in words for people: the one place that turns an error code
// (and the server's developer-facing message) into what the user reads.

// Server messages that have a better sentence for people, whatever their code.
const BY_MESSAGE = {
  'the old password is wrong': 'Your current password is not right. Try again.',
  'not a member of this session': 'You are no longer a member of this conversation.',
};

const BY_CODE = {
  network: 'The server cannot be reached. Check your connection.',
  weak_password: 'This password is too common: it, or a simple variant of it, is on a list of passwords leaked in breaches. Choose another one.',
  unauthenticated: 'Please log in again.',
  forbidden: 'You are not allowed to do that here.',
  not_found: 'That no longer exists.',
  conflict: 'That has already been done.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  unavailable: 'The server is busy. Try again in a moment.',
  internal: 'Something went wrong on the server. Try again in a moment.',
};

const BY_STATUS = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited',
  500: 'internal', 503: 'unavailable' };

/**
 * `code` and `message` as the server sent them (`status` for HTTP answers).
 * Validation errors (`invalid`) keep the server's message, which says what to fix.
 */
export function humanError(code, message, status) {
  if (message && BY_MESSAGE[message]) return BY_MESSAGE[message];
  const key = code || BY_STATUS[status];
  if (key === 'invalid' && message) return sentence(message);
  if (key && BY_CODE[key]) return BY_CODE[key];
  if (message) return sentence(message);
  return status ? `The server answered ${status}.` : 'Something went wrong.';
}

/** Limits for files: "Files can be at most 25 MiB." from the byte count the server gives. */
export function fileLimit(bytes) {
  if (!bytes) return 'The server does not take files that large.';
  const mib = bytes / (1024 * 1024);
  const amount = mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
  return `Files can be at most ${amount}.`;
}

function sentence(text) {
  const s = String(text);
  return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');
}
