// The HTTP API under /api/v1: bearer token, JSON errors turned into ApiError,
// uploads with progress. The client ships in the same jar as the server, so
// every endpoint it calls exists: there is no feature detection.
import { humanError, fileLimit } from './errors.js';

const BASE = '/api/v1';
// The bearer token lives in sessionStorage: this tab only, kept across a reload, gone when the tab
// closes, never shared with other tabs or left on disk for the next person at the computer as
// localStorage would. (Files load with an HttpOnly cookie, POST /files/cookie, not this token.)
const STORAGE_KEY = 'palaver.auth';
const store = window.sessionStorage;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

let auth = load();
let onUnauthenticated = () => {};

function load() {
  try {
    const saved = JSON.parse(store.getItem(STORAGE_KEY) || 'null');
    return saved && typeof saved.token === 'string' ? saved : null;
  } catch {
    return null;
  }
}

export const session = {
  get token() { return auth ? auth.token : null; },
  get uid() { return auth ? auth.uid : null; },
  get expiresAt() { return auth ? auth.expiresAt : 0; },
  set(value) {
    auth = value;
    if (value) store.setItem(STORAGE_KEY, JSON.stringify(value));
    else store.removeItem(STORAGE_KEY);
  },
  /** Called when the server says the token is no longer good. */
  onUnauthenticated(handler) { onUnauthenticated = handler; },
};

/** JSON request; resolves to the parsed body, rejects with ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth) headers.Authorization = `Bearer ${auth.token}`;
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : {}; } catch { json = null; }
  if (!response.ok) {
    const err = json && json.error ? json.error : {};
    const error = new ApiError(response.status, err.code, readable(response.status, err));
    if (response.status === 401 && auth && !path.startsWith('/auth/login')) onUnauthenticated(error);
    throw error;
  }
  return json || {};
}

function readable(status, err) {
  return humanError(err.code, err.message, status);
}

let maxFileSize = 0; // bytes, from GET /files/limits once signed in

/** Learns the server's upload limit (without it, a 413 still says the file is too large). */
export async function loadLimits() {
  try {
    const limits = await api('GET', '/files/limits');
    maxFileSize = Number(limits.maxSize) || 0;
  } catch {
    // uploads still work; a refusal just can't name the limit
  }
}

const tooLarge = (name) => `“${name}” is too large. ${fileLimit(maxFileSize)}`;

/**
 * Uploads one file (multipart field `file`) with progress callbacks.
 * Resolves to {fileId, name, mime, size, thumbId?, durationMs?, posterId?}.
 * `purpose` is avatar|icon, or {poster: videoFileId} for a video's poster frame.
 */
export function upload(file, onProgress, name, purpose) {
  return new Promise((resolve, reject) => {
    if (maxFileSize && file.size > maxFileSize) {
      reject(new ApiError(413, 'too_large', tooLarge(name || file.name)));
      return;
    }
    const xhr = new XMLHttpRequest();
    // purpose=avatar|icon makes the file readable by every signed-in user, as profiles are;
    // poster=<fileId> links the image to the caller's video as its poster frame.
    const query = !purpose ? '' : purpose.poster ? `?poster=${encodeURIComponent(purpose.poster)}`
      : `?purpose=${encodeURIComponent(purpose)}`;
    xhr.open('POST', `${BASE}/files${query}`);
    if (auth) xhr.setRequestHeader('Authorization', `Bearer ${auth.token}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: network error.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300 && json) {
        resolve(json);
        return;
      }
      const err = json && json.error ? json.error : {};
      let message = readable(xhr.status, err);
      if (xhr.status === 413) message = tooLarge(name || file.name);
      reject(new ApiError(xhr.status, err.code, message));
    };
    const form = new FormData();
    form.append('file', file, name || file.name || 'file');
    xhr.send(form);
  });
}

export const fileUrl = (fileId) => `${BASE}/files/${encodeURIComponent(fileId)}`;
export const thumbUrl = (fileId) => `${BASE}/files/${encodeURIComponent(fileId)}/thumb`;
export const posterUrl = (fileId) => `${BASE}/files/${encodeURIComponent(fileId)}/poster`;
