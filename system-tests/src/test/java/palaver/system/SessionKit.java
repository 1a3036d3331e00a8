package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import palaver.system.Http.Response;
import palaver.system.Http.User;

/** Session calls the session tests share, over the real HTTP API. */
final class SessionKit {
  private final Http http;

  SessionKit(Http http) {
    this.http = http;
  }

  /** Creates a group of {@code visibility} owned by {@code owner}; returns its sid. */
  String group(User owner, String name, String visibility) {
    Response r = http.post("/sessions", owner.token(), new JsonObject().put("type", "group").put("name", name)
        .put("visibility", visibility));
    assertEquals(201, r.status(), r.text());
    return r.json().getString("sid");
  }

  Response createPrivate(User caller, String uid) {
    return http.post("/sessions", caller.token(), new JsonObject().put("type", "private").put("uid", uid));
  }

  Response invite(User by, String sid, String uid) {
    return http.post("/sessions/" + sid + "/members", by.token(), new JsonObject().put("uid", uid));
  }

  /** Invites and expects success. */
  void invited(User by, String sid, User who) {
    Response r = invite(by, sid, who.uid());
    assertEquals(201, r.status(), r.text());
  }

  Response leave(User who, String sid) {
    return http.delete("/sessions/" + sid + "/members/me", who.token());
  }

  Response remove(User by, String sid, User who) {
    return http.delete("/sessions/" + sid + "/members/" + who.uid(), by.token());
  }

  Response setRole(User by, String sid, User who, String role) {
    return http.patch("/sessions/" + sid + "/members/" + who.uid(), by.token(), new JsonObject().put("role", role));
  }

  Response read(User who, String sid, long seq) {
    return http.post("/sessions/" + sid + "/read", who.token(), new JsonObject().put("seq", seq));
  }

  /** Sends a text over HTTP and returns its seq. */
  long send(User who, String sid, String text) {
    Response r = http.post("/sessions/" + sid + "/messages", who.token(), new JsonObject()
        .put("cid", "c-" + System.nanoTime()).put("msgType", "text").put("content", text));
    assertEquals(200, r.status(), r.text());
    return r.json().getLong("seq");
  }

  /** The caller's sessions as GET /sessions lists them. */
  List<JsonObject> sessions(User who) {
    Response r = http.get("/sessions", who.token());
    assertEquals(200, r.status(), r.text());
    List<JsonObject> out = new ArrayList<>();
    r.json().getJsonArray("sessions").forEach(s -> out.add((JsonObject) s));
    return out;
  }

  /** The caller's entry for {@code sid} in GET /sessions, or null when it isn't listed. */
  JsonObject listed(User who, String sid) {
    return sessions(who).stream().filter(s -> sid.equals(s.getString("sid"))).findFirst().orElse(null);
  }

  JsonObject info(User who, String sid) {
    Response r = http.get("/sessions/" + sid, who.token());
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  /** The system messages of the session's history, in seq order. */
  List<JsonObject> systemMessages(User viewer, String sid) {
    Response r = http.get("/sessions/" + sid + "/messages?limit=200", viewer.token());
    assertEquals(200, r.status(), r.text());
    JsonArray messages = r.json().getJsonArray("messages");
    List<JsonObject> out = new ArrayList<>();
    messages.forEach(m -> {
      JsonObject message = (JsonObject) m;
      if ("system".equals(message.getString("msgType"))) {
        out.add(message);
      }
    });
    return out;
  }

  /** The content of the last system message: {action, uid (actor), ...}. */
  JsonObject lastSystem(User viewer, String sid) {
    List<JsonObject> system = systemMessages(viewer, sid);
    return system.get(system.size() - 1).getJsonObject("content");
  }

  static Predicate<JsonObject> sessionEvent(String sid, String action) {
    return f -> "event".equals(f.getString("type")) && "session".equals(f.getString("event"))
        && sid.equals(f.getString("sid")) && action.equals(f.getString("action"));
  }

  static Predicate<JsonObject> text(String sid, String content) {
    return f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid"))
        && content.equals(f.getString("content"));
  }

  /**
   * Waits until everything the server wrote to {@code ws} before now has
   * arrived: the answer to a ping is written after it, on the same socket.
   */
  static void drain(WsClient ws) {
    assertEquals("pong", ws.request(new JsonObject().put("type", "ping")).getString("type"));
  }
}
