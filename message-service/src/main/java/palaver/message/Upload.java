package palaver.message;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import palaver.api.ErrorCode;

/**
 * An upload in progress on this instance: what has been stored so far, the
 * running sha256, and the few bytes kept for sniffing (head) and for reading
 * an audio duration (tail). Never more than those.
 */
final class Upload {
  final String fileId;
  final String owner;
  final String name;
  /** Uploaded as an avatar or group icon: readable by every signed-in user. */
  final boolean shared;
  /** The video this upload is to be the poster of, or null. */
  final String posterOf;
  final long startedAt;
  long lastActive;
  long size;
  int chunks;
  boolean busy;
  private boolean lastWasShort;
  private final MessageDigest sha256;
  final byte[] head = new byte[ContentSniffer.HEAD];
  int headLength;
  byte[] tail = new byte[0];

  Upload(String fileId, String owner, String name, boolean shared, String posterOf) {
    this.fileId = fileId;
    this.posterOf = posterOf;
    this.owner = owner;
    this.name = name;
    this.shared = shared;
    this.startedAt = System.currentTimeMillis();
    this.lastActive = startedAt;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks that {@code data} may follow what was stored (chunks are fixed-size, only the last may be short). */
  void checkNext(byte[] data, long maxSize) {
    if (data.length == 0 || data.length > FileStore.CHUNK_SIZE) {
      throw ErrorCode.INVALID.exception("a chunk must have 1.." + FileStore.CHUNK_SIZE + " bytes");
    }
    if (lastWasShort) {
      throw ErrorCode.INVALID.exception("only the last chunk may be shorter than " + FileStore.CHUNK_SIZE);
    }
    if (size + data.length > maxSize) {
      throw ErrorCode.TOO_LARGE.exception("file larger than " + maxSize + " bytes");
    }
  }

  /** Accounts for a stored chunk. */
  void stored(byte[] data) {
    sha256.update(data);
    if (headLength < head.length) {
      int n = Math.min(head.length - headLength, data.length);
      System.arraycopy(data, 0, head, headLength, n);
      headLength += n;
    }
    tail = lastBytes(tail, data, AudioDuration.TAIL);
    size += data.length;
    chunks++;
    lastWasShort = data.length < FileStore.CHUNK_SIZE;
    lastActive = System.currentTimeMillis();
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static byte[] lastBytes(byte[] before, byte[] data, int max) {
    int fromData = Math.min(data.length, max);
    int fromBefore = Math.min(before.length, max - fromData);
    byte[] out = new byte[fromBefore + fromData];
    System.arraycopy(before, before.length - fromBefore, out, 0, fromBefore);
    System.arraycopy(data, data.length - fromData, out, fromBefore, fromData);
    return out;
  }
}
