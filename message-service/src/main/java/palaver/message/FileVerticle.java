package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.runtime.Setting;
import palaver.runtime.Store;

/**
 * message-service's files: uploads arrive over the bus chunk by chunk (the
 * gateway relays a multipart body as it is read), are stored as they come,
 * hashed on the way, typed by their first bytes, deduplicated per owner, and
 * given a thumbnail when they are images. Downloads are read chunk by chunk
 * too, after an access check: the owner, or a member of a session where a
 * message carries the file.
 */
public class FileVerticle extends VerticleBase {
  /** An upload with no chunk for this long is abandoned (its gateway or client is gone). */
  static final long IDLE_MS = 60_000;
  /** No upload may take longer; also how old a crashed instance's upload marker must be to sweep it. */
  static final long MAX_UPLOAD_MS = 30 * 60_000;
  static final String PURPOSE = "purpose";
  private static final long IDLE_CHECK_MS = 10_000;
  private static final long SWEEP_EVERY_MS = 10 * 60_000;
  /** Image decodes at once per node (a worker pool of their own) and how many more may wait per instance. */
  static final int THUMBNAIL_DECODES = 2;
  static final int THUMBNAIL_WAITING = 4;

  private MongoClient mongo;
  private FileStore store;
  private MessageStore messages;
  private long maxSize;
  /** Bytes of originals per user; 0 = no quota. */
  private long quota;
  private String uploadAddress;
  private final Map<String, Upload> uploads = new HashMap<>();
  private ThumbnailQueue thumbnails;

  @Override
  public Future<?> stop() {
    thumbnails.close();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    mongo = Store.client(vertx, config());
    store = new FileStore(mongo);
    messages = new MessageStore(mongo);
    maxSize = config().getInteger(Setting.MAX_FILE_SIZE.key(), (Integer) Setting.MAX_FILE_SIZE.defaultValue());
    quota = config().getInteger(Setting.STORAGE_QUOTA_MB.key(), (Integer) Setting.STORAGE_QUOTA_MB.defaultValue())
        * 1024L * 1024L;
    uploadAddress = Address.FILE_UPLOAD_PREFIX + Ids.random();
    thumbnails = new ThumbnailQueue(vertx, "palaver-thumbnails", THUMBNAIL_DECODES, THUMBNAIL_WAITING);
    vertx.setPeriodic(IDLE_CHECK_MS, id -> abortIdle());
    vertx.setPeriodic(SWEEP_EVERY_MS, id -> store.sweepAbandoned(System.currentTimeMillis() - MAX_UPLOAD_MS - IDLE_MS));
    return Store.ping(mongo, config())
        .compose(v -> store.createIndexes())
        .compose(v -> store.sweepAbandoned(System.currentTimeMillis() - MAX_UPLOAD_MS - IDLE_MS))
        .compose(v -> Future.all(List.of(
            Bus.serve(vertx, Address.FILE_BEGIN, this::begin),
            Bus.serve(vertx, uploadAddress, this::upload),
            Bus.serve(vertx, Address.FILE_CLAIM, this::claim),
            Bus.serve(vertx, Address.FILE_OPEN, this::open),
            Bus.serve(vertx, Address.FILE_READ, this::read),
            Bus.serve(vertx, Address.FILE_DELETE_OWNED, this::deleteOwned))));
  }

  /**
   * {@code {uid, name, purpose?}} → {@code {uploadId, address}}; the name is
   * only ever a display name. Purpose {@code avatar} or {@code icon} makes the
   * file readable by every signed-in user, as profiles and groups are.
   */
  private Future<JsonObject> begin(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String name = displayName(Check.string(body, Field.NAME, 0, 1024));
    String purpose = Check.oneOf(body, PURPOSE, "message", "message", "avatar", "icon");
    Upload upload = new Upload(Ids.random(), uid, name, !purpose.equals("message"));
    return checkQuota(uid, 1).compose(v -> store.markUploading(upload.fileId, uid)).map(v -> {
      uploads.put(upload.fileId, upload);
      return new JsonObject().put(Field.UPLOAD_ID, upload.fileId).put("address", uploadAddress);
    });
  }

  /** Fails with 413 when {@code uid}'s originals and {@code adding} more bytes would pass the storage quota. */
  private Future<Void> checkQuota(String uid, long adding) {
    if (quota <= 0) {
      return Future.succeededFuture();
    }
    return store.bytesOwnedBy(uid).compose(used -> used + adding > quota
        ? Future.failedFuture(ErrorCode.TOO_LARGE.exception("storage quota of " + quota + " bytes used up ("
            + used + " bytes stored); delete files to upload more"))
        : Future.succeededFuture());
  }

  private Future<JsonObject> upload(JsonObject body) {
    String uploadId = Check.string(body, Field.UPLOAD_ID, 1, 64);
    String op = Check.oneOf(body, "op", null, "append", "finish", "abort");
    Upload upload = uploads.get(uploadId);
    if (upload == null) {
      throw ErrorCode.NOT_FOUND.exception("no such upload (finished, aborted or expired)");
    }
    if (upload.busy) {
      throw ErrorCode.CONFLICT.exception("one upload step at a time");
    }
    return switch (op) {
      case "append" -> append(upload, body);
      case "finish" -> finish(upload);
      default -> abort(upload).map(new JsonObject());
    };
  }

  /** Stores one chunk; over the size limit the whole upload is removed and 413 answered. */
  private Future<JsonObject> append(Upload upload, JsonObject body) {
    byte[] data = binary(body);
    try {
      upload.checkNext(data, maxSize);
    } catch (RuntimeException e) {
      return abort(upload).transform(ignored -> Future.failedFuture(e));
    }
    upload.busy = true;
    return store.insertChunk(upload.fileId, upload.chunks, data)
        .onComplete(ar -> upload.busy = false)
        .map(v -> {
          upload.stored(data);
          return new JsonObject().put(Field.SIZE, upload.size);
        })
        .recover(t -> abort(upload).transform(ignored -> Future.failedFuture(t)));
  }

  private Future<JsonObject> finish(Upload upload) {
    if (upload.size == 0) {
      return abort(upload).transform(ignored -> Future.failedFuture(ErrorCode.INVALID.exception("file is empty")));
    }
    upload.busy = true;
    String sha256 = upload.sha256Hex();
    String mime = ContentSniffer.sniff(upload.head, upload.headLength, upload.size > upload.headLength);
    return store.duplicate(upload.owner, sha256).compose(existing -> {
      if (existing != null) {
        Future<Void> share = upload.shared ? store.share(existing.getString("_id")) : Future.succeededFuture();
        return abort(upload).compose(v -> share).map(v -> FileStore.meta(existing));
      }
      JsonObject metadata = new JsonObject().put(Field.OWNER, upload.owner).put(Field.MIME, mime)
          .put(Field.SHA256, sha256).put(Field.KIND, FileStore.ORIGINAL).put(FileStore.SHARED, upload.shared);
      Future<Void> withinQuota = checkQuota(upload.owner, upload.size);
      OptionalLong duration = AudioDuration.of(mime, upload.head, upload.headLength, upload.tail, upload.size);
      duration.ifPresent(ms -> metadata.put(Field.DURATION_MS, ms));
      boolean[] skipped = {false};
      return withinQuota.compose(v -> thumbnail(upload, mime))
          .recover(t -> {
            if (!(t instanceof ThumbnailQueue.Busy)) {
              return Future.failedFuture(t);
            }
            skipped[0] = true;
            return Future.succeededFuture(null);
          })
          .compose(thumbId -> {
            if (thumbId != null) {
              metadata.put(Field.THUMB_ID, thumbId);
            }
            return store.insertFile(upload.fileId, upload.size, upload.name, metadata);
          })
          .compose(v -> store.unmark(upload.fileId))
          .compose(v -> store.file(upload.fileId))
          .map(doc -> {
            uploads.remove(upload.fileId);
            JsonObject meta = FileStore.meta(doc);
            return skipped[0] ? meta.put(Field.THUMB_SKIPPED, true) : meta;
          });
    }).recover(t -> abort(upload).transform(ignored -> Future.failedFuture(t)));
  }

  /**
   * Makes and stores the thumbnail of a decodable image (through the bounded
   * {@link ThumbnailQueue}); null for other types; fails with
   * {@link ThumbnailQueue.Busy} when too many decodes are queued.
   */
  private Future<String> thumbnail(Upload upload, String mime) {
    if (!ContentSniffer.THUMBNAILED.contains(mime)) {
      return Future.succeededFuture(null);
    }
    return thumbnails.submit(() -> Thumbnails.make(new ChunkInputStream(store, upload.fileId, upload.chunks), mime))
        .compose(thumb -> {
          String thumbId = Ids.random();
          JsonObject metadata = new JsonObject().put(Field.OWNER, upload.owner).put(Field.MIME, thumb.mime())
              .put(Field.SHA256, sha256(thumb.bytes())).put(Field.KIND, FileStore.THUMB)
              .put("width", thumb.width()).put("height", thumb.height()).put("of", upload.fileId);
          return storeSmall(thumbId, thumb.bytes())
              .compose(v -> store.insertFile(thumbId, thumb.bytes().length, "thumb-" + upload.name, metadata))
              .map(thumbId);
        });
  }

  private Future<Void> storeSmall(String fileId, byte[] bytes) {
    List<Future<Void>> writes = new ArrayList<>();
    for (int n = 0, at = 0; at < bytes.length; n++, at += FileStore.CHUNK_SIZE) {
      byte[] part = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + FileStore.CHUNK_SIZE));
      writes.add(store.insertChunk(fileId, n, part));
    }
    return Future.all(writes).mapEmpty();
  }

  /**
   * Removes everything an unfinished upload stored (one chunk more than
   * counted: a failed insert may still have written it).
   */
  private Future<Void> abort(Upload upload) {
    uploads.remove(upload.fileId);
    return store.deleteChunks(upload.fileId, upload.chunks + 1)
        .compose(v -> store.unmark(upload.fileId));
  }

  /** {@code send} of an image, file or voice message: only the owner may post a file, of a type that fits. */
  private Future<JsonObject> claim(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String fileId = Check.string(body, Field.FILE_ID, 1, 64);
    String msgType = Check.oneOf(body, Field.MSG_TYPE, "file", "image", "file", "voice");
    return original(fileId).map(doc -> {
      if (!uid.equals(doc.getJsonObject(FileStore.META).getString(Field.OWNER))) {
        throw ErrorCode.FORBIDDEN.exception("not your file");
      }
      String mime = doc.getJsonObject(FileStore.META).getString(Field.MIME);
      if (msgType.equals("image") && !ContentSniffer.IMAGES.contains(mime)) {
        throw ErrorCode.INVALID.exception("an image message needs a jpeg, png, gif or webp file, not " + mime);
      }
      if (msgType.equals("voice") && !mime.startsWith("audio/")) {
        throw ErrorCode.INVALID.exception("a voice message needs an audio file, not " + mime);
      }
      JsonObject meta = FileStore.meta(doc);
      meta.remove(Field.SHA256);
      return meta;
    });
  }

  /** {@code {uid, fileId, thumb?}} → the file (or its thumbnail) to stream, if the caller may see it. */
  private Future<JsonObject> open(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String fileId = Check.string(body, Field.FILE_ID, 1, 64);
    boolean thumb = Boolean.TRUE.equals(body.getValue("thumb"));
    return original(fileId)
        .compose(doc -> mayRead(uid, doc).map(doc))
        .compose(doc -> {
          if (!thumb) {
            return Future.succeededFuture(doc);
          }
          String thumbId = doc.getJsonObject(FileStore.META).getString(Field.THUMB_ID);
          if (thumbId == null) {
            return Future.failedFuture(ErrorCode.NOT_FOUND.exception("this file has no thumbnail"));
          }
          return store.file(thumbId).map(t -> {
            if (t == null) {
              throw ErrorCode.NOT_FOUND.exception("thumbnail missing");
            }
            return t;
          });
        })
        .map(doc -> FileStore.meta(doc).put(Field.CHUNK_SIZE, doc.getInteger(Field.CHUNK_SIZE, FileStore.CHUNK_SIZE)));
  }

  private Future<Void> mayRead(String uid, JsonObject doc) {
    JsonObject metadata = doc.getJsonObject(FileStore.META);
    if (uid.equals(metadata.getString(Field.OWNER)) || metadata.getBoolean(FileStore.SHARED, false)) {
      return Future.succeededFuture();
    }
    return Bus.request(vertx, Address.SESSION_MEMBERSHIPS, new JsonObject().put(Field.UID, uid))
        .compose(mine -> {
          JsonArray sids = new JsonArray();
          mine.getJsonArray(Field.SESSIONS, new JsonArray()).forEach(s -> sids.add(((JsonObject) s).getString(Field.SID)));
          return sids.isEmpty() ? Future.succeededFuture(false) : messages.postedIn(doc.getString("_id"), sids);
        })
        .compose(posted -> posted ? Future.succeededFuture()
            : Future.failedFuture(ErrorCode.FORBIDDEN.exception("not shared with you")));
  }

  /** {@code {fileId, n}} → {@code {data}}. */
  private Future<JsonObject> read(JsonObject body) {
    String fileId = Check.string(body, Field.FILE_ID, 1, 64);
    int n = (int) Check.longValue(body, Field.N, 0, Integer.MAX_VALUE);
    return store.chunk(fileId, n).map(data -> new JsonObject().put(Field.DATA, data));
  }

  private Future<JsonObject> original(String fileId) {
    return store.file(fileId).map(doc -> {
      if (doc == null || !FileStore.ORIGINAL.equals(doc.getJsonObject(FileStore.META).getString(Field.KIND))) {
        throw ErrorCode.NOT_FOUND.exception("no such file");
      }
      return doc;
    });
  }

  /** Aborts uploads whose relay went quiet or that run too long. */
  private void abortIdle() {
    long now = System.currentTimeMillis();
    for (Upload u : new ArrayList<>(uploads.values())) {
      if (!u.busy && (now - u.lastActive > IDLE_MS || now - u.startedAt > MAX_UPLOAD_MS)) {
        abort(u);
      }
    }
  }

  /** Chunk bytes: raw on a local bus, base64 when the message crossed the cluster. */
  private static byte[] binary(JsonObject body) {
    try {
      byte[] data = body.getBinary(Field.DATA);
      if (data == null) {
        throw ErrorCode.INVALID.exception("data is required");
      }
      return data;
    } catch (ClassCastException | IllegalArgumentException e) {
      throw ErrorCode.INVALID.exception("data must be bytes (base64)");
    }
  }

  /** Keeps a client's file name for display only: no control characters, no more than 255 characters. */
  static String displayName(String raw) {
    String name = raw.replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}]", "").strip();
    if (name.length() > 255) {
      name = name.substring(0, 255);
    }
    return name.isEmpty() ? "file" : name;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code {uid}}: an account's deletion takes its files with it. */
  private Future<JsonObject> deleteOwned(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    return store.deleteOwnedBy(uid).map(n -> new JsonObject().put(Field.FILES, n));
  }
}
