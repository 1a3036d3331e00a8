package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * The {@code files} bucket in GridFS layout: {@code files.files} holds one
 * document per file ({@code _id, length, chunkSize, uploadDate, filename,
 * metadata}), {@code files.chunks} its bytes in chunks of {@value #CHUNK_SIZE}
 * bytes ({@code files_id, n, data}), so standard GridFS tools read it. Chunks
 * are written and read one by one by this class rather than through a driver
 * stream, because uploads and downloads arrive chunk by chunk over the event
 * bus; a chunk's {@code _id} is {@code <fileId>/<n>}, so every read is a
 * primary-key lookup (the embedded store ignores secondary indexes). A file
 * document is written only after all its chunks, so a file is never seen half
 * written; {@code files.uploads} marks uploads in progress so chunks left by a
 * crash are swept. Where a file was posted is asked of {@link MessageStore},
 * which owns the messages.
 */
final class FileStore {
  static final String FILES = "files.files";
  static final String CHUNKS = "files.chunks";
  static final String UPLOADS = "files.uploads";
  /** GridFS's default chunk size (255 KiB); every chunk but a file's last is exactly this long. */
  static final int CHUNK_SIZE = 255 * 1024;

  static final String META = "metadata";
  static final String ORIGINAL = "original";
  static final String THUMB = "thumb";
  /**
   * A video's poster frame: an image reachable only through its video (access, download, deletion), never
   * posted as a file of its own, so deleting the video may take it along.
   */
  static final String POSTER = "poster";
  /** Metadata flag of avatars and icons: readable by every signed-in user. */
  static final String SHARED = "shared";

  private final MongoClient mongo;

  FileStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(CHUNKS, new JsonObject().put("files_id", 1).put(Field.N, 1),
                new IndexOptions().unique(true).name("files_id_n")),
            mongo.createIndexWithOptions(FILES, new JsonObject().put(META + "." + Field.OWNER, 1).put(META + "." + Field.SHA256, 1),
                new IndexOptions().name("owner_sha256")))
        .mapEmpty();
  }

  Future<Void> markUploading(String fileId, String owner) {
    return mongo.insert(UPLOADS, new JsonObject().put("_id", fileId).put(Field.OWNER, owner)
        .put(Field.AT, System.currentTimeMillis())).mapEmpty();
  }

  Future<Void> unmark(String fileId) {
    return mongo.removeDocument(UPLOADS, new JsonObject().put("_id", fileId)).mapEmpty();
  }

  Future<Void> insertChunk(String fileId, int n, byte[] data) {
    return mongo.insert(CHUNKS, new JsonObject().put("_id", chunkId(fileId, n)).put("files_id", fileId).put(Field.N, n)
        .put(Field.DATA, new JsonObject().put("$binary", data))).mapEmpty();
  }

  Future<byte[]> chunk(String fileId, int n) {
    return mongo.findOne(CHUNKS, new JsonObject().put("_id", chunkId(fileId, n)), null).map(doc -> {
      if (doc == null) {
        throw ErrorCode.NOT_FOUND.exception("no such chunk");
      }
      return doc.getJsonObject(Field.DATA).getBinary("$binary");
    });
  }

  /** Removes the chunks 0..count-1 of a file by primary key. */
  Future<Void> deleteChunks(String fileId, int count) {
    JsonArray ids = new JsonArray();
    for (int n = 0; n < count; n++) {
      ids.add(chunkId(fileId, n));
    }
    return count == 0 ? Future.succeededFuture()
        : mongo.removeDocuments(CHUNKS, new JsonObject().put("_id", new JsonObject().put("$in", ids))).mapEmpty();
  }

  /**
   * Sweeps chunks of uploads begun before {@code olderThan} and never
   * finished (a crashed instance's). A marker whose file document exists
   * belongs to an upload that finished just before a crash: only the marker
   * goes.
   */
  Future<Void> sweepAbandoned(long olderThan) {
    return mongo.find(UPLOADS, new JsonObject().put(Field.AT, new JsonObject().put("$lt", olderThan)))
        .compose(stale -> Future.all(stale.stream().map(u -> {
          String fileId = u.getString("_id");
          return file(fileId)
              .compose(finished -> finished != null ? Future.succeededFuture()
                  : mongo.removeDocuments(CHUNKS, new JsonObject().put("files_id", fileId)))
              .compose(r -> unmark(fileId));
        }).toList()))
        .mapEmpty();
  }

  Future<Void> insertFile(String fileId, long length, String name, JsonObject metadata) {
    return mongo.insert(FILES, new JsonObject().put("_id", fileId).put("length", length).put(Field.CHUNK_SIZE, CHUNK_SIZE)
        .put("uploadDate", new JsonObject().put("$date", Instant.now().toString())).put("filename", name)
        .put(META, metadata)).mapEmpty();
  }

  /** Makes a stored file readable by every signed-in user (it became an avatar or icon). */
  Future<Void> share(String fileId) {
    return mongo.updateCollection(FILES, new JsonObject().put("_id", fileId),
        new JsonObject().put("$set", new JsonObject().put(META + "." + SHARED, true))).mapEmpty();
  }

  Future<JsonObject> file(String fileId) {
    return mongo.findOne(FILES, new JsonObject().put("_id", fileId), null);
  }

  /**
   * Bytes of the original files and video posters {@code owner} keeps (thumbnails are not
   * counted: they are small and made by the server; posters are uploads like any other). Reads each file's length through the owner index; uploads are
   * rate limited, so a user's file count stays in the thousands.
   */
  Future<Long> bytesOwnedBy(String owner) {
    JsonObject query = new JsonObject().put(META + "." + Field.OWNER, owner)
        .put(META + "." + Field.KIND, new JsonObject().put("$in", new JsonArray().add(ORIGINAL).add(POSTER)));
    return mongo.findWithOptions(FILES, query, new FindOptions().setFields(new JsonObject().put("length", 1)))
        .map(found -> found.stream().mapToLong(f -> f.getLong("length", 0L)).sum());
  }

  /** The same bytes uploaded before by the same owner, or null. */
  Future<JsonObject> duplicate(String owner, String sha256) {
    JsonObject query = new JsonObject().put(META + "." + Field.OWNER, owner).put(META + "." + Field.SHA256, sha256)
        .put(META + "." + Field.KIND, ORIGINAL);
    return mongo.findWithOptions(FILES, query, new FindOptions().setLimit(1))
        .map(found -> found.isEmpty() ? null : found.get(0));
  }

  /** Every file (originals and thumbnails) and unfinished upload of {@code owner}, bytes included; how many files. */
  Future<Integer> deleteOwnedBy(String owner) {
    return mongo.findWithOptions(FILES, new JsonObject().put(META + "." + Field.OWNER, owner),
        new FindOptions().setFields(new JsonObject().put("_id", 1))).compose(found -> {
          JsonArray ids = new JsonArray(found.stream().map(f -> (Object) f.getString("_id")).toList());
          JsonObject anyOf = new JsonObject().put("$in", ids);
          return mongo.find(UPLOADS, new JsonObject().put(Field.OWNER, owner))
              .compose(uploads -> {
                uploads.forEach(u -> ids.add(u.getString("_id")));
                return mongo.removeDocuments(CHUNKS, new JsonObject().put("files_id", anyOf));
              })
              .compose(r -> mongo.removeDocuments(FILES, new JsonObject().put("_id", anyOf)))
              .compose(r -> mongo.removeDocuments(UPLOADS, new JsonObject().put(Field.OWNER, owner)))
              .map(r -> found.size());
        });
  }

  /**
   * Links a stored image to a video of the same owner as its poster: the video's {@code posterId}, and its
   * {@code thumbId} becomes the poster's thumbnail. Only while the video has none (two racing posters: one
   * wins); false when it already had one or is gone.
   */
  Future<Boolean> linkPoster(String videoId, String posterId, String thumbId) {
    JsonObject set = new JsonObject().put(META + "." + Field.POSTER_ID, posterId);
    if (thumbId != null) {
      set.put(META + "." + Field.THUMB_ID, thumbId);
    }
    JsonObject query = new JsonObject().put("_id", videoId)
        .put(META + "." + Field.POSTER_ID, new JsonObject().put("$exists", false));
    return mongo.updateCollection(FILES, query, new JsonObject().put("$set", set))
        .map(r -> r != null && r.getDocModified() == 1);
  }

  /**
   * Deletes an original file that no message carries any more (retention removed the last one), with its
   * thumbnail and a video's poster, chunks by primary key; avatars and icons (shared) stay. True when it went.
   */
  Future<Boolean> deletePosted(String fileId) {
    return file(fileId).compose(doc -> {
      if (doc == null || doc.getJsonObject(META, new JsonObject()).getBoolean(SHARED, false)) {
        return Future.succeededFuture(false);
      }
      JsonObject m = doc.getJsonObject(META, new JsonObject());
      Future<JsonObject> thumb = optionalFile(m.getString(Field.THUMB_ID));
      Future<JsonObject> poster = optionalFile(m.getString(Field.POSTER_ID));
      return Future.all(thumb, poster)
          .compose(found -> Future.all(deleteWhole(doc), deleteIfAny(thumb.result()), deleteIfAny(poster.result())))
          .map(true);
    });
  }

  /** Deletes a poster that lost the race to be linked, with its thumbnail. */
  Future<Void> deletePoster(String posterId) {
    return file(posterId).compose(doc -> {
      if (doc == null) {
        return Future.succeededFuture();
      }
      return optionalFile(doc.getJsonObject(META, new JsonObject()).getString(Field.THUMB_ID))
          .compose(thumb -> Future.all(deleteWhole(doc), deleteIfAny(thumb)).mapEmpty());
    });
  }

  private Future<JsonObject> optionalFile(String fileId) {
    return fileId == null ? Future.succeededFuture(null) : file(fileId);
  }

  private Future<Void> deleteIfAny(JsonObject doc) {
    return doc == null ? Future.succeededFuture() : deleteWhole(doc);
  }

  private Future<Void> deleteWhole(JsonObject doc) {
    String id = doc.getString("_id");
    long length = doc.getLong("length", 0L);
    int chunks = (int) ((length + CHUNK_SIZE - 1) / CHUNK_SIZE);
    return deleteChunks(id, chunks).compose(v -> mongo.removeDocument(FILES, new JsonObject().put("_id", id))).mapEmpty();
  }

  /** The client-facing description of a stored file. */
  static JsonObject meta(JsonObject doc) {
    JsonObject m = doc.getJsonObject(META);
    JsonObject meta = new JsonObject().put(Field.FILE_ID, doc.getString("_id")).put(Field.NAME, doc.getString("filename"))
        .put(Field.MIME, m.getString(Field.MIME)).put(Field.SIZE, doc.getLong("length"))
        .put(Field.SHA256, m.getString(Field.SHA256));
    if (m.getString(Field.THUMB_ID) != null) {
      meta.put(Field.THUMB_ID, m.getString(Field.THUMB_ID));
    }
    if (m.getLong(Field.DURATION_MS) != null) {
      meta.put(Field.DURATION_MS, m.getLong(Field.DURATION_MS));
    }
    if (m.getString(Field.POSTER_ID) != null) {
      meta.put(Field.POSTER_ID, m.getString(Field.POSTER_ID));
    }
    return meta;
  }

  private static String chunkId(String fileId, int n) {
    return fileId + "/" + n;
  }
}
