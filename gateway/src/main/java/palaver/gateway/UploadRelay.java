package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
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
 * stored), 413 answered and the connection closed.
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
  /** How long a paused part may take to deliver what it buffered after the request ended. */
  private static final long TRUNCATION_GRACE_MS = 200;
  /** How often an upload looks for a decoder that stopped (see {@link #checkDecoderStopped}). */
  private static final long DECODER_CHECK_MS = 250;
  /** How long the whole declared body may sit read but not ended before the decoder is taken to have stopped. */
  private static final long DECODER_STOPPED_MS = 1_000;

  /** Most parts (fields and files) a form may have; Vert.x's default limit, counted here instead (GatewayVerticle). */
  static final int MAX_FORM_FIELDS = 256;

  private final Vertx vertx;
  private final RoutingContext ctx;
  private final long maxSize;
  private HttpServerFileUpload file;
  private Future<Void> tail = Future.succeededFuture();
  private Buffer pending = Buffer.buffer();
  private long received;
  private String uploadId;
  private String address;
  private boolean failed;
  private byte[] delimiter;
  private Buffer carry = Buffer.buffer();
  private int delimiters;
  private boolean fileEnded;
  private boolean requestEnded;
  /** The body's Content-Length, or -1 when chunked or not a number. */
  private long declaredLength = -1;
  private long decoderCheck = -1;
  private long lastBytesRead = -1;
  private long lastProgress;

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
    declaredLength = declaredLength(length);
    delimiter = delimiter(type);
    if (delimiter == null) {
      refuse(ErrorCode.INVALID.exception("multipart/form-data without a boundary"));
      return;
    }
    request.setExpectMultipart(true);
    request.handler(this::countParts);
    request.uploadHandler(this::upload);
    request.exceptionHandler(this::brokenBody);
    request.endHandler(v -> requestEnded());
    if (declaredLength >= 0) {
      lastProgress = System.currentTimeMillis();
      decoderCheck = vertx.setPeriodic(DECODER_CHECK_MS, id -> checkDecoderStopped());
      ctx.addEndHandler(ar -> vertx.cancelTimer(decoderCheck));
    }
    request.resume();
  }

  /**
   * Netty's multipart decoder throws some unchecked exceptions (an
   * ArrayIndexOutOfBoundsException for a Content-Disposition parameter without
   * {@code =}, found by UploadFuzzTest) that Vert.x neither catches nor reports:
   * the request then never ends and no handler hears of it, and the client
   * would wait for the body timeout's 408. Vert.x ends a request as soon as its
   * last byte is decoded, so a body read to its declared length that has not
   * ended a second later, while the relay is not holding it paused, was not
   * decodable: answered 400 like the decoder's own refusals.
   */
  private void checkDecoderStopped() {
    if (failed || requestEnded || fileEnded || ctx.response().ended()) {
      // Done, or the file is complete and being finished: its answer comes from the finish step.
      vertx.cancelTimer(decoderCheck);
      return;
    }
    long now = System.currentTimeMillis();
    long read = ctx.request().bytesRead();
    if (read != lastBytesRead || !tail.isComplete()) {
      lastBytesRead = read;
      lastProgress = now;
    } else if (read >= declaredLength && now - lastProgress >= DECODER_STOPPED_MS) {
      vertx.cancelTimer(decoderCheck);
      fail(ErrorCode.INVALID.exception("broken multipart body: it could not be decoded"));
    }
  }

  private static long declaredLength(String length) {
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code --boundary}, which starts every part and the closing line; null when the type names none. */
  private static byte[] delimiter(String type) {
    int at = type.toLowerCase(Locale.ROOT).indexOf("boundary=");
    if (at < 0) {
      return null;
    }
    String boundary = type.substring(at + "boundary=".length()).split(";", 2)[0].trim();
    if (boundary.length() > 1 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
      boundary = boundary.substring(1, boundary.length() - 1);
    }
    return boundary.isEmpty() ? null : ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Counts the delimiters in the raw body (the decoder sees the same bytes);
   * over {@value #MAX_FORM_FIELDS} parts the form is refused with a 400.
   * Bytes that could begin a delimiter split across chunks are carried over.
   */
  private void countParts(Buffer chunk) {
    if (failed) {
      return;
    }
    byte[] bytes = carry.appendBuffer(chunk).getBytes();
    int i = 0;
    for (; i + delimiter.length <= bytes.length; i++) {
      if (startsAt(bytes, i)) {
        delimiters++;
        i += delimiter.length - 1;
      }
    }
    carry = Buffer.buffer().appendBytes(bytes, i, bytes.length - i);
    if (delimiters > MAX_FORM_FIELDS + 1) {
      fail(ErrorCode.INVALID.exception("broken multipart body: more than " + MAX_FORM_FIELDS + " form fields"));
    }
  }

  private boolean startsAt(byte[] bytes, int at) {
    for (int k = 0; k < delimiter.length; k++) {
      if (bytes[at + k] != delimiter[k]) {
        return false;
      }
    }
    return true;
  }

  private boolean declaredTooLarge(String length) {
    try {
      return Long.parseLong(length.trim()) > maxSize + MULTIPART_OVERHEAD;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void upload(HttpServerFileUpload part) {
    if (!"file".equals(part.name()) || file != null) {
      part.handler(ignored -> { });
      return;
    }
    file = part;
    part.handler(this::data);
    part.endHandler(v -> fileEnded());
    part.exceptionHandler(this::brokenBody);
    String name = part.filename() == null ? "" : part.filename();
    JsonObject begin = new JsonObject().put(Field.UID, Rest.uid(ctx)).put(Field.NAME, name);
    String purpose = ctx.queryParams().get(PURPOSE);
    if (purpose != null) {
      begin.put(PURPOSE, purpose);
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

  private void requestEnded() {
    requestEnded = true;
    if (file == null && !failed) {
      failed = true;
      Rest.error(ctx, ErrorCode.INVALID, "the multipart field file is required");
    } else {
      checkTruncated();
    }
  }

  /**
   * A body that ends inside the file part (no closing boundary) never ends
   * the part. Once the relay has caught up and no more data comes after the
   * request's end, the part is known to be cut short.
   */
  private void checkTruncated() {
    if (!requestEnded || fileEnded || failed || !tail.isComplete()) {
      return;
    }
    long seen = received;
    vertx.setTimer(TRUNCATION_GRACE_MS, id -> {
      if (!fileEnded && !failed && tail.isComplete() && received == seen) {
        fail(ErrorCode.INVALID.exception("broken multipart body: the file part does not end"));
      } else {
        checkTruncated();
      }
    });
  }

  /** Runs {@code next} after what is in flight; the body stays paused until the relay has caught up. */
  private void enqueue(Supplier<Future<Void>> next) {
    Future<Void> mine = tail.compose(v -> failed ? Future.failedFuture("aborted") : next.get());
    tail = mine;
    file.pause();
    mine.onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
      } else if (tail == mine && !failed) {
        file.resume();
        checkTruncated();
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

  /**
   * The multipart decoder refused the body (a malformed part header). The 400 is answered now, before
   * message-service has removed what it stored (it does so right after), and the rest of the body is
   * drained: closing with unread bytes resets the connection, and the client lost the 400 (UploadFuzzTest).
   */
  private void brokenBody(Throwable cause) {
    if (failed) {
      return;
    }
    refuse(ErrorCode.INVALID.exception(brokenBodyMessage(cause)));
    // The rest of the body is read and dropped before the connection closes, as FileApi does after any
    // answer: its end handlers have already run (failed) for this exception, so they won't drain it.
    if (!ctx.request().isEnded()) {
      FileApi.drainThenClose(vertx, ctx.request());
    }
    tail.transform(ignored -> uploadId == null ? Future.succeededFuture()
        : Bus.request(vertx, address, request("abort")).transform(ar -> Future.succeededFuture()));
  }

  static String brokenBodyMessage(Throwable cause) {
    return "broken multipart body: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
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
