package palaver.system;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.system.Http.User;
import palaver.testing.Await;

/** Helpers for messaging tests: groups with members, text frames, posting through the bus. */
public final class Chat {
  private Chat() {
  }

  /** Frames that are text messages of session {@code sid} (not system notices). */
  public static Predicate<JsonObject> textIn(String sid) {
    return f -> "message".equals(f.getString("type")) && sid.equals(f.getString("sid"))
        && !"system".equals(f.getString("msgType"));
  }

  public static JsonObject send(String sid, String cid, String text) {
    return new JsonObject().put("type", "send").put("sid", sid).put("cid", cid).put("msgType", "text")
        .put("content", text);
  }

  /** A public group owned by the first user with every other user joined; returns its sid. */
  public static String group(Http http, String name, User... users) {
    String sid = http.newGroup(users[0], name);
    for (int i = 1; i < users.length; i++) {
      http.join(users[i], sid);
    }
    return sid;
  }

  /** Posts a text through the event-bus API (no gateway, no rate limit); returns the ack. */
  public static JsonObject post(Vertx vertx, User user, String sid, String cid, String text) {
    return Await.result(Bus.request(vertx, Address.MESSAGE_SEND, new JsonObject().put("uid", user.uid())
        .put("sid", sid).put("cid", cid).put("msgType", "text").put("content", text)));
  }

  /** Posts {@code n} texts at once (so they are stored in batches); returns the acks. */
  public static List<JsonObject> postMany(Vertx vertx, User user, String sid, String prefix, int n) {
    return postMany(vertx, user, sid, prefix, n, null);
  }

  /** As above, every text being {@code body} (or its cid when null). */
  public static List<JsonObject> postMany(Vertx vertx, User user, String sid, String prefix, int n, String body) {
    List<io.vertx.core.Future<JsonObject>> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      acks.add(Bus.request(vertx, Address.MESSAGE_SEND, new JsonObject().put("uid", user.uid()).put("sid", sid)
          .put("cid", prefix + i).put("msgType", "text").put("content", body == null ? prefix + i : body)));
    }
    Await.result(io.vertx.core.Future.all(acks));
    return acks.stream().map(io.vertx.core.Future::result).toList();
  }

  /** Every stored message of a session through REST paging, ascending. */
  public static List<JsonObject> allMessages(Http http, User member, String sid) {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      Http.Response r = http.get("/sessions/" + sid + "/messages?after=" + after + "&limit=200", member.token());
      if (r.status() != 200) {
        throw new AssertionError("history failed: " + r.status() + " " + r.text());
      }
      JsonArray page = r.json().getJsonArray("messages");
      page.forEach(m -> all.add((JsonObject) m));
      if (!r.json().getBoolean("more") || page.isEmpty()) {
        return all;
      }
      after = page.getJsonObject(page.size() - 1).getLong("seq");
    }
  }

  /** The seqs of {@code messages} are 1..n without a gap or repeat. */
  public static void assertGapFree(List<JsonObject> messages) {
    for (int i = 0; i < messages.size(); i++) {
      long seq = messages.get(i).getLong("seq");
      if (seq != i + 1) {
        throw new AssertionError("seq " + seq + " at position " + i + " (expected " + (i + 1) + ")");
      }
    }
  }
}
