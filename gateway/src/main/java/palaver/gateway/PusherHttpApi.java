package palaver.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Field;
import palaver.api.Ids;
import palaver.api.PushNames;
import palaver.runtime.App;
import palaver.runtime.Apps;

/**
 * Pusher's HTTP API ({@code /apps/{id}/...}), so that the Pusher server SDKs
 * work unchanged: trigger (one event to up to 100 channels), batch trigger (up
 * to 10), channel and presence queries, and closing a user's connections.
 * Every request is signed ({@link PusherRequestAuth}); errors are Pusher's:
 * the status with a plain-text message. Triggered events go out on the
 * channels' fan-out addresses (the gateways' Pusher sockets deliver them);
 * cache channels also keep the event in push-service; {@code #server-to-user-X}
 * (the SDKs' sendToUser) is stored in X's push inbox so it reaches them even
 * when they connect later.
 */
final class PusherHttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(PusherHttpApi.class);
  static final int MAX_CHANNELS = 100;
  static final int MAX_BATCH = 10;
  static final int MAX_NAME = 200;
  static final String USER_CHANNEL_PREFIX = "#server-to-user-";
  private static final Pattern CHANNEL = Pattern.compile("[-a-zA-Z0-9_=@,.;]{1," + MAX_NAME + "}");
  private static final Pattern SOCKET_ID = Pattern.compile("\\d{1,20}\\.\\d{1,20}");
  private static final String PRESENCE = "presence-";
  private static final Set<String> INFO = Set.of("user_count", "subscription_count");

  /** One event to trigger, checked. */
  record Trigger(String name, String data, List<String> channels, String socketId, List<String> info) {
  }

  private final Vertx vertx;
  private final Apps apps;
  private final PusherRequestAuth auth;
  /** Per app, on this gateway instance (one event loop): Pusher's per-app request quota, as 429s. */
  private final Map<String, TokenBucket> rates = new HashMap<>();

  PusherHttpApi(Vertx vertx, Apps apps) {
    this.vertx = vertx;
    this.apps = apps;
    this.auth = new PusherRequestAuth(apps);
  }

  /** Mounts {@code /apps/{id}/...} on the gateway's root router, with its own body limit. */
  void mount(Router root) {
    root.route("/apps/*").handler(BodyHandler.create().setBodyLimit(bodyLimit(apps)).setHandleFileUploads(false))
        .failureHandler(PusherHttpApi::failed);
    root.post("/apps/:id/events").handler(ctx -> handle(ctx, this::trigger));
    root.post("/apps/:id/batch_events").handler(ctx -> handle(ctx, this::batch));
    root.get("/apps/:id/channels").handler(ctx -> handle(ctx, this::channels));
    root.get("/apps/:id/channels/:channel").handler(ctx -> handle(ctx, this::channel));
    root.get("/apps/:id/channels/:channel/users").handler(ctx -> handle(ctx, this::users));
    root.post("/apps/:id/users/:user/terminate_connections").handler(ctx -> handle(ctx, this::terminate));
    root.route("/apps/*").handler(ctx -> reply(ctx, 404, "Not found"));
  }

  /** A full batch of the largest events, plus room for names and JSON. */
  static long bodyLimit(Apps apps) {
    int largest = apps.all().stream().mapToInt(App::maxEventBytes).max().orElse(10 * 1024);
    return (long) MAX_BATCH * (largest * 2L + 2 * MAX_NAME) + 64 * 1024;
  }

  /** The request of a checked app. */
  private record Call(App app, RoutingContext ctx) {
    String query(String name) {
      return ctx.queryParams().get(name);
    }
  }

  private void handle(RoutingContext ctx, Function<Call, Future<JsonObject>> route) {
    Future<JsonObject> result;
    try {
      App app = auth.check(ctx, System.currentTimeMillis() / 1000);
      if (!rate(app).take(System.nanoTime())) {
        throw new PusherHttpError(429, "Too many requests: over " + app.maxBackendEventsPerSecond() + " per second");
      }
      result = route.apply(new Call(app, ctx));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(ar.result().encode());
      } else if (ar.cause() instanceof PusherHttpError e) {
        reply(ctx, e.status(), e.getMessage());
      } else if (ar.cause() instanceof ReplyException re && re.failureCode() == 400) {
        reply(ctx, 400, re.getMessage());
      } else {
        LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString());
        reply(ctx, 500, "Internal error");
      }
    });
  }

  /** The body handler's refusals (413 over the limit), in Pusher's plain text. */
  private static void failed(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    reply(ctx, status, status == 413 ? "Request Entity Too Large" : "Bad request");
  }

  private TokenBucket rate(App app) {
    return rates.computeIfAbsent(app.id(), id -> new TokenBucket(app.maxBackendEventsPerSecond(),
        app.maxBackendEventsPerSecond(), System.nanoTime()));
  }

  private static void reply(RoutingContext ctx, int status, String message) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
    }
  }

  // ---- trigger

  /** {@code POST /apps/{id}/events}: {@code {}} or, with {@code info}, {@code {channels: {name: attrs}}}. */
  private Future<JsonObject> trigger(Call call) {
    JsonObject body = jsonBody(call.ctx());
    Object channels = body.getValue("channels");
    List<String> names = new ArrayList<>();
    if (channels != null) {
      if (!(channels instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_CHANNELS) {
        throw PusherHttpError.badRequest("channels must be an array of 1 to " + MAX_CHANNELS + " channel names");
      }
      list.forEach(c -> names.add(channelName(c)));
    } else {
      names.add(channelName(body.getValue("channel")));
    }
    Trigger t = event(call.app(), body, List.copyOf(new LinkedHashSet<>(names)));
    return publish(call.app(), t).compose(v -> {
      if (t.info().isEmpty()) {
        return Future.succeededFuture(new JsonObject());
      }
      List<String> queried = t.channels().stream().filter(c -> !c.startsWith(USER_CHANNEL_PREFIX)).toList();
      List<Future<JsonObject>> infos = queried.stream().map(c -> channelInfo(call.app(), c, t.info())).toList();
      return Future.all(infos).map(all -> {
        JsonObject out = new JsonObject();
        for (int i = 0; i < queried.size(); i++) {
          out.put(queried.get(i), infos.get(i).result());
        }
        return new JsonObject().put("channels", out);
      });
    });
  }

  /** {@code POST /apps/{id}/batch_events}: all events checked before any is sent. */
  private Future<JsonObject> batch(Call call) {
    JsonObject body = jsonBody(call.ctx());
    if (!(body.getValue("batch") instanceof JsonArray batch) || batch.isEmpty() || batch.size() > MAX_BATCH) {
      throw PusherHttpError.badRequest("batch must be an array of 1 to " + MAX_BATCH + " events");
    }
    List<Trigger> triggers = new ArrayList<>();
    for (Object o : batch) {
      if (!(o instanceof JsonObject e)) {
        throw PusherHttpError.badRequest("each batch entry must be an event object");
      }
      triggers.add(event(call.app(), e, List.of(channelName(e.getValue("channel")))));
    }
    List<Future<Void>> sent = triggers.stream().map(t -> publish(call.app(), t)).toList();
    return Future.all(sent).compose(v -> {
      if (triggers.stream().allMatch(t -> t.info().isEmpty())) {
        return Future.succeededFuture(new JsonObject());
      }
      List<Future<JsonObject>> infos = triggers.stream().map(t -> t.info().isEmpty()
          || t.channels().get(0).startsWith(USER_CHANNEL_PREFIX)
          ? Future.succeededFuture(new JsonObject())
          : channelInfo(call.app(), t.channels().get(0), t.info())).toList();
      return Future.all(infos).map(all -> {
        JsonArray out = new JsonArray();
        infos.forEach(f -> out.add(f.result()));
        return new JsonObject().put("batch", out);
      });
    });
  }

  /** Name, data (a string within the app's limit), socket_id and info of one event. */
  private static Trigger event(App app, JsonObject e, List<String> channels) {
    if (!(e.getValue("name") instanceof String name) || name.isEmpty() || name.length() > MAX_NAME) {
      throw PusherHttpError.badRequest("name must be an event name of 1 to " + MAX_NAME + " characters");
    }
    if (!(e.getValue("data") instanceof String data)) {
      throw PusherHttpError.badRequest("data must be a string");
    }
    int bytes = data.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > app.maxEventBytes()) {
      throw new PusherHttpError(413, "Event data too large: " + bytes + " bytes, the limit is " + app.maxEventBytes());
    }
    Object socketId = e.getValue("socket_id");
    if (socketId != null && !(socketId instanceof String s && SOCKET_ID.matcher(s).matches())) {
      throw PusherHttpError.badRequest("socket_id must be a socket id such as 1234.5678");
    }
    Object info = e.getValue("info");
    if (info != null && !(info instanceof String)) {
      throw PusherHttpError.badRequest("info must be a comma-separated list of attributes");
    }
    return new Trigger(name, data, channels, (String) socketId, info((String) info));
  }

  private static String channelName(Object raw) {
    if (raw instanceof String s && s.startsWith(USER_CHANNEL_PREFIX)) {
      String user = s.substring(USER_CHANNEL_PREFIX.length());
      if (!user.isEmpty() && user.length() <= MAX_NAME && CHANNEL.matcher(user).matches()) {
        return s;
      }
    }
    if (raw instanceof String s && CHANNEL.matcher(s).matches()) {
      return s;
    }
    throw PusherHttpError.badRequest("channel names are 1 to " + MAX_NAME + " characters of a-z A-Z 0-9 _ - = @ , . ;"
        + ", got " + (raw == null ? "none" : "'" + String.valueOf(raw).substring(0, Math.min(64, String.valueOf(raw).length())) + "'"));
  }

  /** To each channel's fan-out address; cache channels' last event kept; users' channels into their inboxes. */
  private Future<Void> publish(App app, Trigger t) {
    List<Future<?>> stored = new ArrayList<>();
    for (String channel : t.channels()) {
      if (channel.startsWith(USER_CHANNEL_PREFIX)) {
        stored.add(toUser(app, channel.substring(USER_CHANNEL_PREFIX.length()), t));
        continue;
      }
      JsonObject event = new JsonObject().put("event", t.name()).put("channel", channel).put("data", t.data());
      if (t.socketId() != null) {
        event.put("socket_id", t.socketId());
      }
      vertx.eventBus().publish(Address.fanoutChannel(app.id(), channel), event);
      if (isCache(channel)) {
        stored.add(Bus.request(vertx, Address.PUSH_CACHE_PUT, new JsonObject().put("app", app.id())
            .put("channel", channel).put("event", t.name()).put("data", t.data())));
      }
    }
    return Future.all(stored).mapEmpty();
  }

  /** Pusher's sendToUser: stored in the user's push inbox, delivered now or when they next sign in. */
  private Future<JsonObject> toUser(App app, String user, Trigger t) {
    return Bus.request(vertx, Address.MESSAGE_PUSH_APPEND, new JsonObject()
        .put(Field.SID, PushNames.inbox(app.id(), user))
        .put(Field.UID, PushNames.appServer(app.id()))
        .put(Field.CID, Ids.random())
        .put(Field.CONTENT, new JsonObject().put("event", t.name()).put("data", t.data()))
        .put(Field.EXPIRES_AT, System.currentTimeMillis() + app.retentionSeconds() * 1000));
  }

  static boolean isCache(String channel) {
    return channel.startsWith("cache-") || channel.startsWith("private-cache-")
        || channel.startsWith("private-encrypted-cache-") || channel.startsWith("presence-cache-");
  }

  // ---- queries

  /** {@code GET /apps/{id}/channels}: occupied channels; user_count only when limited to presence channels. */
  private Future<JsonObject> channels(Call call) {
    String prefix = call.query("filter_by_prefix");
    List<String> info = info(call.query("info"));
    if (info.contains("user_count") && (prefix == null || !prefix.startsWith(PRESENCE))) {
      throw PusherHttpError.badRequest("user_count may only be requested for presence channels: "
          + "add filter_by_prefix=presence-");
    }
    JsonObject request = new JsonObject().put("app", call.app().id());
    if (prefix != null) {
      request.put("filter_by_prefix", prefix);
    }
    if (!info.isEmpty()) {
      request.put("info", String.join(",", info));
    }
    return Bus.request(vertx, Address.PUSH_CHANNELS, request)
        .map(r -> new JsonObject().put("channels", r.getJsonObject("channels", new JsonObject())));
  }

  /** {@code GET /apps/{id}/channels/{channel}}: {@code {occupied, user_count?, subscription_count?}}. */
  private Future<JsonObject> channel(Call call) {
    String channel = channelName(call.ctx().pathParam("channel"));
    List<String> info = info(call.query("info"));
    if (info.contains("user_count") && !channel.startsWith(PRESENCE)) {
      throw PusherHttpError.badRequest("user_count is only available for presence channels");
    }
    return channelInfo(call.app(), channel, info).map(attrs -> {
      JsonObject out = new JsonObject().put("occupied", attrs.getBoolean("occupied", false));
      attrs.remove("occupied");
      return out.mergeIn(attrs);
    });
  }

  /** push-service's count of one channel: {@code {occupied, ...}} with the asked attributes. */
  private Future<JsonObject> channelInfo(App app, String channel, List<String> info) {
    JsonObject request = new JsonObject().put("app", app.id()).put("channel", channel);
    if (!info.isEmpty()) {
      request.put("info", String.join(",", info));
    }
    return Bus.request(vertx, Address.PUSH_CHANNEL, request);
  }

  /** {@code GET /apps/{id}/channels/{channel}/users}: a presence channel's user ids. */
  private Future<JsonObject> users(Call call) {
    String channel = channelName(call.ctx().pathParam("channel"));
    if (!channel.startsWith(PRESENCE)) {
      throw PusherHttpError.badRequest("users are only available for presence channels");
    }
    return Bus.request(vertx, Address.PUSH_MEMBERS, new JsonObject().put("app", call.app().id()).put("channel", channel))
        .map(r -> {
          JsonArray users = new JsonArray();
          r.getJsonObject("members", new JsonObject()).fieldNames().forEach(id -> users.add(new JsonObject().put("id", id)));
          return new JsonObject().put("users", users);
        });
  }

  /** {@code POST /apps/{id}/users/{user}/terminate_connections}: every gateway closes that user's sockets. */
  private Future<JsonObject> terminate(Call call) {
    String user = call.ctx().pathParam("user");
    if (user == null || user.isEmpty() || user.length() > MAX_NAME) {
      throw PusherHttpError.badRequest("user id must have 1 to " + MAX_NAME + " characters");
    }
    vertx.eventBus().publish(Address.fanoutAppUser(call.app().id(), user), new JsonObject().put("terminate", true));
    return Future.succeededFuture(new JsonObject());
  }

  // ---- parsing

  private static JsonObject jsonBody(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw PusherHttpError.badRequest("the request body must be a JSON object");
    }
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (parsed instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      // answered below
    }
    throw PusherHttpError.badRequest("the request body must be a JSON object");
  }

  /** Pusher's comma-separated {@code info}; only the attributes it defines. */
  private static List<String> info(String raw) {
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String a : raw.split(",")) {
      String attr = a.trim();
      if (!INFO.contains(attr)) {
        throw PusherHttpError.badRequest("unknown info attribute '" + (attr.length() > 64 ? attr.substring(0, 64) : attr)
            + "'; known: user_count, subscription_count");
      }
      if (!out.contains(attr)) {
        out.add(attr);
      }
    }
    return out;
  }
}
