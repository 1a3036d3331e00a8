package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.api.PushNames;
import palaver.runtime.App;
import palaver.runtime.Apps;
import palaver.runtime.Signatures;

/**
 * xlvein's HTTP push, {@code POST /api/v1/im/push}, JSON or form:
 * {@code app_key, send_to, message (a JSON object as a string), nonce,
 * sign}, where sign is {@code upper(hex(MD5("app_key=..&message=..&nonce=..&send_to=..&key=SECRET")))}.
 * Answered {@code {"error": code, "data": {}, "message": text}} with HTTP
 * 200 whatever the code (as xlvein does); see {@link #OK} and the codes
 * after it. The push is stored in send_to's inbox under cid
 * {@code sign:<SIGN>} from the app's server: an accepted sign sent again
 * within the retention period is answered 0 and not delivered twice.
 */
final class XlveinPushApi {
  private static final Logger LOG = LoggerFactory.getLogger(XlveinPushApi.class);
  static final int OK = 0;
  /** xlvein's "app not found". */
  static final int UNKNOWN_APP = 1001;
  static final int BAD_SIGN = 1002;
  static final int BAD_MESSAGE = 1003;
  /** Palaver's: a field missing, not a string or too long. */
  static final int BAD_FIELD = 1004;
  /** Palaver's: the app's maxBackendEventsPerSecond exceeded on this gateway. */
  static final int RATE_LIMITED = 1429;
  /** Palaver's: not stored (store unavailable); the same request may be sent again. */
  static final int NOT_STORED = 1500;
  static final int MAX_FIELD = 200;

  /** A request whose fields are all strings of sane length (signature not checked yet). */
  record Push(String appKey, String sendTo, String message, String nonce, String sign) {
  }

  /** A refusal with its xlvein code. */
  static final class Refused extends RuntimeException {
    final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private final Vertx vertx;
  private final Apps apps;
  private final java.util.Map<String, TokenBucket> buckets = new java.util.HashMap<>();

  XlveinPushApi(Vertx vertx, Apps apps) {
    this.vertx = vertx;
    this.apps = apps;
  }

  /** Mounts {@code POST /im/push} on the {@code /api/v1} router (after its body handler). */
  void mount(Router api) {
    api.post("/im/push").handler(this::push);
  }

  private void push(RoutingContext ctx) {
    Future<JsonObject> answer;
    App app = null;
    try {
      Push p = validFields(ctx);
      app = apps.byKey(p.appKey());
      if (app == null) {
        throw new Refused(UNKNOWN_APP, "app not found");
      }
      if (!Signatures.matches(sign(p, app.secret()), p.sign().toUpperCase(Locale.ROOT))) {
        throw new Refused(BAD_SIGN, "sign invalid");
      }
      JsonObject message = validMessage(p.message(), app.maxEventBytes());
      if (!bucketOf(app).take(System.nanoTime())) {
        throw new Refused(RATE_LIMITED, "more than " + app.maxBackendEventsPerSecond() + " requests per second");
      }
      answer = store(app, p, message);
    } catch (Refused r) {
      XlveinMetrics.refused(app == null ? null : app.id(), reason(r.code));
      answer = Future.succeededFuture(body(r.code, r.getMessage()));
    }
    answer.onComplete(ar -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .end((ar.succeeded() ? ar.result() : body(NOT_STORED, "not stored, send again")).encode()));
  }

  /** The five fields, from a JSON body or a form, each a string. */
  static Push validFields(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      JsonObject json;
      try {
        json = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        throw new Refused(BAD_FIELD, "body must be a JSON object");
      }
      if (json == null) {
        throw new Refused(BAD_FIELD, "body must be a JSON object");
      }
      return new Push(field(json.getValue("app_key"), "app_key"), field(json.getValue("send_to"), "send_to"),
          messageField(json.getValue("message")), field(json.getValue("nonce"), "nonce"),
          field(json.getValue("sign"), "sign"));
    }
    MultiMap form = ctx.request().formAttributes();
    return new Push(field(form.get("app_key"), "app_key"), field(form.get("send_to"), "send_to"),
        messageField(form.get("message")), field(form.get("nonce"), "nonce"), field(form.get("sign"), "sign"));
  }

  private static String field(Object value, String name) {
    if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_FIELD) {
      throw new Refused(BAD_FIELD, name + " must be a string of 1 to " + MAX_FIELD + " characters");
    }
    return s;
  }

  private static String messageField(Object value) {
    if (!(value instanceof String s)) {
      throw new Refused(BAD_MESSAGE, "message must be a JSON object as a string");
    }
    return s;
  }

  /** xlvein's sign: fields in name order, then the key, joined by {@code &}; MD5, upper-case hex. */
  static String sign(Push p, String secret) {
    String text = "app_key=" + p.appKey() + "&message=" + p.message() + "&nonce=" + p.nonce()
        + "&send_to=" + p.sendTo() + "&key=" + secret;
    return Signatures.md5Hex(text).toUpperCase(Locale.ROOT);
  }

  static JsonObject validMessage(String message, int maxEventBytes) {
    if (message.getBytes(StandardCharsets.UTF_8).length > maxEventBytes) {
      throw new Refused(BAD_MESSAGE, "message must be at most " + maxEventBytes + " bytes");
    }
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(message);
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw new Refused(BAD_MESSAGE, "message must be a JSON object");
  }

  private TokenBucket bucketOf(App app) {
    int rate = app.maxBackendEventsPerSecond();
    return buckets.computeIfAbsent(app.id(), id -> new TokenBucket(rate, rate, System.nanoTime()));
  }

  private Future<JsonObject> store(App app, Push p, JsonObject message) {
    long now = System.currentTimeMillis();
    JsonObject content = new JsonObject().put(Field.EVENT, XlveinFrames.PUSH).put(Field.DATA, message)
        .put(XlveinFrames.MSG_ID, Ids.random());
    JsonObject append = new JsonObject().put(Field.SID, PushNames.inbox(app.id(), p.sendTo()))
        .put(Field.UID, PushNames.appServer(app.id())).put(Field.CID, "sign:" + p.sign().toUpperCase(Locale.ROOT))
        .put(Field.CONTENT, content).put(Field.EXPIRES_AT, now + app.retentionSeconds() * 1000);
    return Bus.request(vertx, Address.MESSAGE_PUSH_APPEND, append)
        .map(ack -> {
          XlveinMetrics.pushIn(app.id());
          return body(OK, "");
        })
        .onFailure(t -> LOG.warn("xlvein push of app {} not stored: {}", app.id(), t.toString()));
  }

  private static String reason(int code) {
    return switch (code) {
      case UNKNOWN_APP -> "unknown_app";
      case BAD_SIGN -> "bad_sign";
      case BAD_MESSAGE -> "bad_message";
      case RATE_LIMITED -> "rate";
      default -> "bad_field";
    };
  }

  static JsonObject body(int code, String message) {
    return new JsonObject().put("error", code).put("data", new JsonObject()).put("message", message);
  }
}
