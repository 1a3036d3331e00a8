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
   * {@code {uid, name, purpose?, poster?}} → {@code {uploadId, address}}; the name is
   * only ever a display name. Purpose {@code avatar} or {@code icon} makes the
   * file readable by every signed-in user, as profiles and groups are;
   * {@code poster} names the caller's video this upload is the poster of.
   */
  private Future<JsonObject> begin(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String name = displayName(Check.string(body, Field.NAME, 0, 1024));
    String purpose = Check.oneOf(body, PURPOSE, "message", "message", "avatar", "icon");
    String posterOf = Check.optionalString(body, Field.POSTER, 64);
    if (posterOf != null && !purpose.equals("message")) {
      throw ErrorCode.INVALID.exception("a poster can't also be an avatar or icon");
    }
    Upload upload = new Upload(Ids.random(), uid, name, !purpose.equals("message"), posterOf);
    Future<Void> target = posterOf == null ? Future.succeededFuture() : posterTarget(uid, posterOf).mapEmpty();
    return target.compose(v -> checkQuota(uid, 1)).compose(v -> store.markUploading(upload.fileId, uid)).map(v -> {
      uploads.put(upload.fileId, upload);
      return new JsonObject().put(Field.UPLOAD_ID, upload.fileId).put("address", uploadAddress);
    });
  }

  /**
   * The video a poster is for, checked before any byte is taken and again when it is linked: 404 if there
   * is no such file, 403 unless {@code uid} uploaded it, 400 unless it is a video, 409 if it has a poster.
   */
  private Future<JsonObject> posterTarget(String uid, String videoId) {
    return original(videoId).map(doc -> {
      JsonObject metadata = doc.getJsonObject(FileStore.META);
      if (!uid.equals(metadata.getString(Field.OWNER))) {
        throw ErrorCode.FORBIDDEN.exception("only the video's uploader may set its poster");
      }
      if (!ContentSniffer.VIDEOS.contains(metadata.getString(Field.MIME))) {
        throw ErrorCode.INVALID.exception("only an mp4 or webm video has a poster, not " + metadata.getString(Field.MIME));
      }
      if (metadata.getString(Field.POSTER_ID) != null) {
        throw ErrorCode.CONFLICT.exception("this video has a poster already");
      }
      return doc;
    });
  }

  /** Fails with 413 when {@code uid}'s originals and posters and {@code adding} more bytes would pass the storage quota. */
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
    String mime = ContentSniffer.sniff(upload.head, upload.headLength, upload.size > upload.headLength);
    if (upload.posterOf != null) {
      return finishPoster(upload, mime);
    }
    upload.busy = true;
    String sha256 = upload.sha256Hex();
    return store.duplicate(upload.owner, sha256).compose(existing -> {
      if (existing != null) {
        Future<Void> share = upload.shared ? store.share(existing.getString("_id")) : Future.succeededFuture();
        return abort(upload).compose(v -> share).map(v -> FileStore.meta(existing));
      }
      JsonObject metadata = new JsonObject().put(Field.OWNER, upload.owner).put(Field.MIME, mime)
          .put(Field.SHA256, sha256).put(Field.KIND, FileStore.ORIGINAL).put(FileStore.SHARED, upload.shared);
      duration(upload, mime).ifPresent(ms -> metadata.put(Field.DURATION_MS, ms));
      return checkQuota(upload.owner, upload.size).compose(v -> storeFinished(upload, mime, metadata));
    }).recover(t -> abort(upload).transform(ignored -> Future.failedFuture(t)));
  }

  /** A voice or video upload's length, when the bytes it keeps show it. */
  private static OptionalLong duration(Upload upload, String mime) {
    return mime.startsWith("video/")
        ? VideoDuration.of(mime, upload.head, upload.headLength, upload.tail, upload.size)
        : AudioDuration.of(mime, upload.head, upload.headLength, upload.tail, upload.size);
  }

  /**
   * A poster must sniff as an image (400 and nothing kept otherwise); it is stored as a file of kind
   * {@code poster} (not deduplicated: it belongs to its video alone), thumbnailed like any image, and linked
   * to the video, which must still be the caller's and without a poster.
   */
  private Future<JsonObject> finishPoster(Upload upload, String mime) {
    if (!ContentSniffer.IMAGES.contains(mime)) {
      return abort(upload).transform(ignored -> Future.failedFuture(
          ErrorCode.INVALID.exception("a poster must be a jpeg, png, gif or webp image, not " + mime)));
    }
    upload.busy = true;
    JsonObject metadata = new JsonObject().put(Field.OWNER, upload.owner).put(Field.MIME, mime)
        .put(Field.SHA256, upload.sha256Hex()).put(Field.KIND, FileStore.POSTER).put("of", upload.posterOf)
        .put(FileStore.SHARED, false);
    return posterTarget(upload.owner, upload.posterOf)
        .compose(video -> checkQuota(upload.owner, upload.size))
        .compose(v -> storeFinished(upload, mime, metadata))
        .compose(poster -> store.linkPoster(upload.posterOf, poster.getString(Field.FILE_ID), poster.getString(Field.THUMB_ID))
            .compose(linked -> linked ? Future.succeededFuture(poster.put(Field.POSTER, upload.posterOf))
                : store.deletePoster(poster.getString(Field.FILE_ID)).transform(ignored -> Future.failedFuture(
                    ErrorCode.CONFLICT.exception("this video got a poster meanwhile")))))
        .recover(t -> abort(upload).transform(ignored -> Future.failedFuture(t)));
  }

  /** Thumbnails an image (or skips that when the node is busy), then writes the file document: the upload is done. */
  private Future<JsonObject> storeFinished(Upload upload, String mime, JsonObject metadata) {
    boolean[] skipped = {false};
    return thumbnail(upload, mime)
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

  /** {@code send} of an image, file, voice or video message: only the owner may post a file, of a type that fits. */
  private Future<JsonObject> claim(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String fileId = Check.string(body, Field.FILE_ID, 1, 64);
    String msgType = Check.oneOf(body, Field.MSG_TYPE, "file", "image", "file", "voice", "video");
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
      if (msgType.equals("video") && !ContentSniffer.VIDEOS.contains(mime)) {
        throw ErrorCode.INVALID.exception("a video message needs an mp4 or webm video, not " + mime);
      }
      JsonObject meta = FileStore.meta(doc);
      meta.remove(Field.SHA256);
      return meta;
    });
  }

  /**
   * {@code {uid, fileId, thumb?, poster?}} → the file (or its thumbnail, or a video's poster) to stream, if
   * the caller may see the file.
   */
  private Future<JsonObject> open(JsonObject body) {
    String uid = Check.string(body, Field.UID, 1, 64);
    String fileId = Check.string(body, Field.FILE_ID, 1, 64);
    boolean thumb = Boolean.TRUE.equals(body.getValue("thumb"));
    boolean poster = Boolean.TRUE.equals(body.getValue(Field.POSTER));
    return original(fileId)
        .compose(doc -> mayRead(uid, doc).map(doc))
        .compose(doc -> {
          if (thumb) {
            return companion(doc, Field.THUMB_ID, "thumbnail");
          }
          return poster ? companion(doc, Field.POSTER_ID, "poster") : Future.succeededFuture(doc);
        })
        .map(doc -> FileStore.meta(doc).put(Field.CHUNK_SIZE, doc.getInteger(Field.CHUNK_SIZE, FileStore.CHUNK_SIZE)));
  }

  /** The file a stored file names in {@code field} (its thumbnail or poster); 404 when it has none. */
  private Future<JsonObject> companion(JsonObject doc, String field, String what) {
    String id = doc.getJsonObject(FileStore.META).getString(field);
    if (id == null) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("this file has no " + what));
    }
    return store.file(id).map(found -> {
      if (found == null) {
        throw ErrorCode.NOT_FOUND.exception(what + " missing");
      }
      return found;
    });
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
