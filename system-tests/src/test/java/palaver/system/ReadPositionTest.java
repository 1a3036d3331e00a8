package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.system.Http.Response;
import palaver.system.Http.User;

@DisplayName("Read positions: forward only, unread counts and read receipts")
class ReadPositionTest extends OneNodeTest {

  @Test
  @DisplayName("Unread counts follow sends and reads")
  void unreadAfterSendsAndReads() {
    User ava = http.newUser("Ava");
    User bob = http.newUser("Bob");
    String sid = http.newGroup(ava, "unread");
    http.join(bob, sid);
    long caughtUp = http.listed(bob, sid).getLong("lastSeq");
    assertEquals(200, http.read(bob, sid, caughtUp).status());
    assertEquals(0L, http.listed(bob, sid).getLong("unread"));

    http.send(ava, sid, "one", "one").seq();
    long second = http.send(ava, sid, "two", "two").seq();
    long third = http.send(ava, sid, "three", "three").seq();
    JsonObject listed = http.listed(bob, sid);
    assertEquals(third, listed.getLong("lastSeq"));
    assertEquals(3L, listed.getLong("unread"));
    assertEquals("three", listed.getJsonObject("lastMessage").getString("content"));

    http.read(bob, sid, second);
    assertEquals(1L, http.listed(bob, sid).getLong("unread"));
    assertEquals(second, http.listed(bob, sid).getLong("readSeq"));
    http.read(bob, sid, third);
    assertEquals(0L, http.listed(bob, sid).getLong("unread"));
  }

  @Test
  @DisplayName("The writer of a session's last message has read it: own messages never count as unread")
  void ownMessagesAreRead() {
    User ava = http.newUser("Ava");
    User bob = http.newUser("Bob");
    String sid = http.newGroup(ava, "mine");
    http.join(bob, sid);
    http.send(bob, sid, "from-bob", "from bob").seq();
    assertEquals(2L, http.listed(ava, sid).getLong("unread"), "bob's join and his message (her creation notice is her own)");
    long mine = http.send(ava, sid, "from-ava", "from ava").seq();
    JsonObject listed = http.listed(ava, sid);
    assertEquals(0L, listed.getLong("unread"));
    assertEquals(mine, listed.getLong("readSeq"));
    http.send(bob, sid, "again", "again").seq();
    assertEquals(1L, http.listed(ava, sid).getLong("unread"), "only what came after her own message");
  }

  @Test
  @DisplayName("A read position never moves back and never past the last message")
  void forwardOnly() {
    User cara = http.newUser("Cara");
    String sid = http.newGroup(cara, "forward");
    http.send(cara, sid, "a", "a").seq();
    long last = http.send(cara, sid, "b", "b").seq();

    Response r = http.read(cara, sid, last);
    assertEquals(last, r.json().getLong("readSeq"));
    Response back = http.read(cara, sid, 1);
    assertEquals(200, back.status());
    assertEquals(last, back.json().getLong("readSeq"));
    Response beyond = http.read(cara, sid, last + 1000);
    assertEquals(last, beyond.json().getLong("readSeq"));
    assertEquals(last, http.listed(cara, sid).getLong("readSeq"));
  }

  @Test
  @DisplayName("A read frame moves the position, answers ok and sends a read event to the other members")
  void readReceipts() {
    User dot = http.newUser("Dot");
    User eli = http.newUser("Eli");
    String sid = http.createPrivate(dot, eli.uid()).json().getString("sid");
    try (WsClient reader = server.ws(eli); WsClient writer = server.ws(dot)) {
      JsonObject ack = writer.send(sid, "rr-1", "did you read this?");
      reader.next(WsClient.messageWith(sid, "did you read this?"));
      JsonObject ok = reader.request(new JsonObject().put("type", "read").put("sid", sid).put("seq", ack.getLong("seq")));
      assertEquals("ok", ok.getString("type"));
      assertEquals(ack.getLong("seq"), ok.getLong("readSeq"));
      JsonObject receipt = writer.next(f -> "event".equals(f.getString("type")) && "read".equals(f.getString("event")));
      assertEquals(sid, receipt.getString("sid"));
      assertEquals(eli.uid(), receipt.getString("uid"));
      assertEquals(ack.getLong("seq"), receipt.getLong("seq"));

      reader.request(new JsonObject().put("type", "read").put("sid", sid).put("seq", 0));
      writer.drain();
      assertTrue(writer.received(f -> "read".equals(f.getString("event"))).isEmpty(), "no receipt when nothing moved");
    }
    assertEquals(1L, http.listed(eli, sid).getLong("readSeq"));
  }

  @Test
  @DisplayName("Reading a session one isn't in is 403, an unknown one 404, a bad seq 400")
  void readRefused() {
    User fin = http.newUser("Fin");
    User gia = http.newUser("Gia");
    String sid = http.newGroup(fin, "mine", "private");
    assertEquals(403, http.read(gia, sid, 1).status());
    assertEquals(404, http.read(gia, "nope", 1).status());
    assertEquals(400, http.read(fin, sid, -1).status());
    assertEquals(400, http.post("/sessions/" + sid + "/read", fin.token(), new JsonObject().put("seq", "1")).status());
  }
}
