package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * One {@code GET /files/{fileId}[/thumb|/poster]}: asks message-service whether the
 * caller may read the file, then streams it chunk by chunk from the store to
 * the response, each chunk read after the previous one is written, so a
 * download holds one chunk however large the file. Single byte ranges (206),
 * ETag (the sha256) with If-None-Match (304); images, audio and mp4/webm video inline,
 * everything else as an attachment; the type is the sniffed one, and never
 * SVG or HTML.
 */
final class FileDownload {
  private static final Set<String> INLINE_IMAGES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  /** Videos played in the page ({@code <video>} needs them inline, and ranges for seeking). */
  private static final Set<String> INLINE_VIDEOS = Set.of("video/mp4", "video/webm");

  /** What of a file is served: the file, its thumbnail, or a video's poster frame. */
  enum Part {
    FILE, THUMB, POSTER
  }

  /** An inclusive byte range of the file. */
  record Range(long first, long last) {
    long length() {
      return last - first + 1;
    }
  }

  private final Vertx vertx;
  private final RoutingContext ctx;

  FileDownload(Vertx vertx, RoutingContext ctx) {
    this.vertx = vertx;
    this.ctx = ctx;
  }

  void serve(Part part) {
    JsonObject open = new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.FILE_ID, ctx.pathParam("fileId"))
        .put("thumb", part == Part.THUMB).put(Field.POSTER, part == Part.POSTER);
    Bus.request(vertx, Address.FILE_OPEN, open).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        respond(ar.result());
      }
    });
  }

  private void respond(JsonObject meta) {
    long size = meta.getLong(Field.SIZE);
    String mime = meta.getString(Field.MIME);
    String etag = "\"" + meta.getString(Field.SHA256) + "\"";
    HttpServerResponse response = ctx.response()
        .putHeader("ETag", etag)
        .putHeader("Cache-Control", "private, no-cache")
        .putHeader("Accept-Ranges", "bytes")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    if (matches(ctx.request().getHeader("If-None-Match"), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", mime)
        .putHeader("Content-Disposition", disposition(mime, meta.getString(Field.NAME)));
    String rangeHeader = ctx.request().getHeader("Range");
    Range range = rangeHeader == null ? null : parseRange(rangeHeader, size);
    if (range != null && range.first() < 0) {
      // 416 is no ErrorCode: it only exists here; the body names the problem like every error.
      response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size)
          .putHeader("Content-Type", "application/json")
          .end(Rest.errorBody(ErrorCode.INVALID, "range not satisfiable").encode());
      return;
    }
    if (range == null) {
      range = new Range(0, size - 1);
      response.setStatusCode(200);
    } else {
      response.setStatusCode(206).putHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
    }
    response.putHeader("Content-Length", Long.toString(range.length()));
    int chunkSize = meta.getInteger(Field.CHUNK_SIZE);
    stream(meta.getString(Field.FILE_ID), chunkSize, range, range.first() / chunkSize)
        .onSuccess(v -> response.end())
        .onFailure(t -> {
          if (!response.closed()) {
            response.reset();
          }
        });
  }

  /** Writes chunk {@code n}'s part of the range, then the next one once it is written. */
  private Future<Void> stream(String fileId, int chunkSize, Range range, long n) {
    long chunkStart = n * chunkSize;
    if (chunkStart > range.last()) {
      return Future.succeededFuture();
    }
    if (ctx.response().closed()) {
      return Future.failedFuture("client gone");
    }
    return Bus.request(vertx, Address.FILE_READ, new JsonObject().put(Field.FILE_ID, fileId).put(Field.N, n))
        .compose(chunk -> {
          byte[] data = chunk.getBinary(Field.DATA);
          int from = (int) Math.max(0, range.first() - chunkStart);
          int to = (int) Math.min(data.length, range.last() - chunkStart + 1);
          return ctx.response().write(Buffer.buffer(data).getBuffer(from, to));
        })
        .compose(v -> stream(fileId, chunkSize, range, n + 1));
  }

  /**
   * One {@code bytes=} range, clipped to the file; null to serve the whole
   * file (absent, malformed or several ranges, which RFC 9110 lets a server
   * ignore); a range with {@code first < 0} when it can't be satisfied.
   */
  static Range parseRange(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0 || size == 0) {
          return new Range(-1, -1);
        }
        return new Range(Math.max(0, size - suffix), size - 1);
      }
      long first = Long.parseLong(a);
      // An open range ends with the file, wherever it starts: one starting beyond the end is a 416.
      long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (first < 0 || last < first) {
        return null;
      }
      if (first >= size) {
        return new Range(-1, -1);
      }
      return new Range(first, Math.min(last, size - 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** Inline only for images a browser shows, audio and mp4/webm video; the name is reduced to a safe header value. */
  static String disposition(String mime, String name) {
    boolean inline = INLINE_IMAGES.contains(mime) || mime.startsWith("audio/") || INLINE_VIDEOS.contains(mime);
    String base = name == null ? "file" : name.replaceAll(".*[/\\\\]", "");
    String ascii = base.replaceAll("[^A-Za-z0-9._ -]", "_").replaceAll("^[. ]+", "");
    if (ascii.isBlank()) {
      ascii = "file";
    }
    String encoded = URLEncoder.encode(base.isEmpty() ? "file" : base, StandardCharsets.UTF_8).replace("+", "%20");
    return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
