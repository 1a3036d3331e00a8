package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Supplier;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.ErrorCode;
import palaver.api.Field;

/**
 * One {@code POST /files}: relays the multipart field {@code file} to
 * message-service while it is read, in chunks of {@value #CHUNK} bytes, one
 * request at a time; the body is paused while a chunk is in flight, so the
 * gateway holds about one chunk per upload however large the file. The size
 * limit is checked on the declared length before reading and on the bytes as
 * they come; over it, the upload is aborted (message-service removes what it
 * stored), 413 answered and the connection closed. The body is parsed by
 * {@link MultipartParser}, so a malformed one is always answered 400.
 */
final class UploadRelay {
  /** The store's chunk size (GridFS default), so each relayed chunk is stored as one. */
  static final int CHUNK = 255 * 1024;
  /** Room for multipart boundaries and part headers above the file itself. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;
  /** {@code ?purpose=avatar|icon}: a picture every signed-in user may see. */
  private static final String PURPOSE = "purpose";
  /** Finishing decodes images for the thumbnail: allow it more than a plain request. */
  private static final long FINISH_TIMEOUT_MS = 60_000;
  /** Most parts (fields and files) a form may have: Vert.x's default limit. */
  static final int MAX_FORM_FIELDS = 256;

  private final Vertx vertx;
  private final RoutingContext ctx;
  private final long maxSize;
  private MultipartParser parser;
  private Future<Void> tail = Future.succeededFuture();
  private Buffer pending = Buffer.buffer();
  private long received;
  private String uploadId;
  private String address;
  private boolean failed;
  /** Every byte of the body so far, file or not. */
  private long bodyBytes;
  private boolean fileStarted;
  private boolean fileEnded;

  UploadRelay(Vertx vertx, RoutingContext ctx, long maxSize) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.maxSize = maxSize;
  }

  /** Called with the request paused (it was paused before authentication). */
  void start() {
    HttpServerRequest request = ctx.request();
    String type = request.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      refuse(ErrorCode.INVALID.exception("expected multipart/form-data with a file field"));
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && declaredTooLarge(length)) {
      refuse(ErrorCode.TOO_LARGE.exception("file larger than " + maxSize + " bytes"));
      return;
    }
    String boundary = MultipartParser.boundary(type);
    if (boundary == null) {
      refuse(ErrorCode.INVALID.exception("multipart/form-data without a boundary"));
      return;
    }
    parser = new MultipartParser(boundary, MAX_FORM_FIELDS, new Parts());
    request.handler(this::body);
    request.exceptionHandler(this::brokenConnection);
    request.endHandler(v -> requestEnded());
    request.resume();
  }

  /** The raw body as it comes, parsed here (see {@link MultipartParser} for why not by Vert.x). */
  private void body(Buffer chunk) {
    if (failed) {
      return;
    }
    bodyBytes += chunk.length();
    if (bodyBytes > maxSize + MULTIPART_OVERHEAD) {
      // A chunked body declares no length: its size is checked as it comes.
      fail(ErrorCode.TOO_LARGE.exception("file larger than " + maxSize + " bytes"));
      return;
    }
    try {
      parser.feed(chunk);
    } catch (MultipartParser.Malformed e) {
      fail(ErrorCode.INVALID.exception("broken multipart body: " + e.getMessage()));
    }
  }

  /** The parts of the form: the first one named {@code file} is relayed, the others are read and dropped. */
  private final class Parts implements MultipartParser.Receiver {
    private boolean inFile;

    @Override
    public void partBegin(MultipartParser.Part part) {
      inFile = "file".equals(part.name()) && !fileStarted;
      if (inFile) {
        fileStarted = true;
        upload(part.filename() == null ? "" : part.filename());
      }
    }

    @Override
    public void partData(Buffer data) {
      if (inFile) {
        data(data);
      }
    }

    @Override
    public void partEnd() {
      if (inFile) {
        inFile = false;
        fileEnded();
      }
    }

    @Override
    public void formEnd() {
      // Nothing after the closing delimiter matters.
    }
  }

  private boolean declaredTooLarge(String length) {
    try {
      return Long.parseLong(length.trim()) > maxSize + MULTIPART_OVERHEAD;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void upload(String name) {
    JsonObject begin = new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.NAME, name);
    String purpose = ctx.queryParams().get(PURPOSE);
    if (purpose != null) {
      begin.put(PURPOSE, purpose);
    }
    // ?poster=<fileId>: this image is the poster frame of the caller's video; message-service checks it.
    String poster = ctx.queryParams().get(Field.POSTER);
    if (poster != null) {
      begin.put(Field.POSTER, poster);
    }
    enqueue(() -> Bus.request(vertx, Address.FILE_BEGIN, begin).map(r -> {
      uploadId = r.getString(Field.UPLOAD_ID);
      address = r.getString("address");
      return null;
    }));
  }

  private void data(Buffer buffer) {
    if (failed) {
      return;
    }
    received += buffer.length();
    if (received > maxSize) {
      fail(ErrorCode.TOO_LARGE.exception("file larger than " + maxSize + " bytes"));
      return;
    }
    pending.appendBuffer(buffer);
    while (pending.length() >= CHUNK) {
      Buffer chunk = pending.getBuffer(0, CHUNK);
      pending = pending.getBuffer(CHUNK, pending.length());
      enqueue(() -> step("append", chunk));
    }
  }

  private void fileEnded() {
    fileEnded = true;
    if (failed) {
      return;
    }
    if (pending.length() > 0) {
      Buffer last = pending;
      pending = Buffer.buffer();
      enqueue(() -> step("append", last));
    }
    tail.compose(v -> Bus.request(vertx, address, request("finish"), FINISH_TIMEOUT_MS))
        .onSuccess(meta -> Rest.respond(ctx, Future.succeededFuture(meta), 201))
        .onFailure(this::fail);
  }

  /** The whole body was read and parsed: a form without the file part, or cut inside it, is refused. */
  private void requestEnded() {
    if (failed) {
      return;
    }
    if (!fileStarted) {
      fail(ErrorCode.INVALID.exception(parser.complete() ? "the multipart field file is required"
          : "broken multipart body: it ends before its closing delimiter"));
    } else if (!fileEnded) {
      fail(ErrorCode.INVALID.exception("broken multipart body: the file part does not end"));
    }
    // Else the finish step answers.
  }

  /** Runs {@code next} after what is in flight; the body stays paused until the relay has caught up. */
  private void enqueue(Supplier<Future<Void>> next) {
    Future<Void> mine = tail.compose(v -> failed ? Future.failedFuture("aborted") : next.get());
    tail = mine;
    ctx.request().pause();
    mine.onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
      } else if (tail == mine && !failed) {
        ctx.request().resume();
      }
    });
  }

  private Future<Void> step(String op, Buffer chunk) {
    return Bus.request(vertx, address, request(op).put(Field.DATA, chunk.getBytes())).mapEmpty();
  }

  private JsonObject request(String op) {
    return new JsonObject().put(Field.UPLOAD_ID, uploadId).put("op", op);
  }

  /**
   * Stops relaying, has message-service remove what it stored (after the step
   * in flight, which would otherwise race the removal), then answers the
   * error: once the client sees it, nothing of the upload is left.
   */
  private void fail(Throwable cause) {
    if (failed) {
      return;
    }
    failed = true;
    tail.transform(ignored -> uploadId == null ? Future.succeededFuture()
            : Bus.request(vertx, address, request("abort")).transform(ar -> Future.succeededFuture()))
        .onComplete(ar -> refuse(cause));
  }

  /** The connection failed while the body came (a reset, a timeout): nothing can be answered; what was stored goes. */
  private void brokenConnection(Throwable cause) {
    fail(cause);
  }

  /** Answers an error; when the body is still coming, the connection is closed rather than the rest read. */
  private void refuse(Throwable cause) {
    failed = true;
    if (ctx.response().ended()) {
      return;
    }
    if (!ctx.request().isEnded()) {
      // FileApi closes the connection once this answer is sent.
      ctx.response().putHeader("Connection", "close");
    }
    Rest.error(ctx, ErrorCode.of(cause), ErrorCode.publicMessage(cause));
  }
}
