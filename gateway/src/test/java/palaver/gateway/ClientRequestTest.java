package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.ErrorCode;
import palaver.api.Field;
import palaver.api.Frames;

class ClientRequestTest {
  private static JsonObject sendFrame() {
    return new JsonObject().put(Field.TYPE, "send").put(Field.RID, "r1").put(Field.SID, "s1").put(Field.CID, "c1")
        .put(Field.MSG_TYPE, "image").put(Field.CONTENT, "look").put(Field.FILE_ID, "f1");
  }

  private static void assertInvalid(ClientRequest operation, JsonObject client) {
    ReplyException e = assertThrows(ReplyException.class, () -> operation.body("alice", client));
    assertEquals(ErrorCode.INVALID, ErrorCode.of(e));
  }

  @Test
  @DisplayName("A send frame becomes a request with the caller's uid and the message's fields, for palaver.message.send")
  void sendFrameBecomesBusBody() {
    ClientRequest send = ClientRequest.ofFrame("send");
    assertEquals(Address.MESSAGE_SEND, send.address());
    assertEquals(new JsonObject().put(Field.UID, "alice").put(Field.SID, "s1").put(Field.CID, "c1")
        .put(Field.MSG_TYPE, "image").put(Field.CONTENT, "look").put(Field.FILE_ID, "f1"), send.body("alice", sendFrame()));
  }

  @Test
  @DisplayName("Fields not listed for the operation are dropped, and a uid from the client never replaces the caller's")
  void unlistedFieldsAreDropped() {
    JsonObject frame = sendFrame().put("extra", "x").put(Field.UID, "mallory").put(Field.WAIT_MS, 1);
    JsonObject body = ClientRequest.SEND.body("alice", frame);
    assertEquals("alice", body.getString(Field.UID));
    assertEquals(ClientRequest.SEND.body("alice", sendFrame()), body);
  }

  @Test
  @DisplayName("A client's delete frame can't claim server-admin rights: admin:true is dropped before the bus")
  void deleteFrameDropsAdminFlag() {
    JsonObject frame = new JsonObject().put(Field.TYPE, "delete").put(Field.SID, "s1").put(Field.SEQ, 3)
        .put(Field.ADMIN, true);
    ClientRequest delete = ClientRequest.ofFrame("delete");
    assertEquals(Address.MESSAGE_DELETE, delete.address());
    assertEquals(new JsonObject().put(Field.UID, "alice").put(Field.SID, "s1").put(Field.SEQ, 3), delete.body("alice", frame));
  }

  @Test
  @DisplayName("A react frame's on must be a boolean, its seq an integer")
  void reactFrameTypes() {
    JsonObject frame = new JsonObject().put(Field.SID, "s1").put(Field.SEQ, 3).put(Field.EMOJI, "👍");
    assertEquals(true, ClientRequest.REACT.body("alice", frame.copy().put(Field.ON, true)).getBoolean(Field.ON));
    assertInvalid(ClientRequest.REACT, frame.copy().put(Field.ON, "yes"));
    assertInvalid(ClientRequest.EDIT, frame.copy().put(Field.SEQ, "3"));
  }

  @Test
  @DisplayName("A send's mentions pass as an array of strings and mentionAll as a boolean; other shapes are invalid")
  void sendMentionTypes() {
    JsonObject body = ClientRequest.SEND.body("alice", sendFrame().put(Field.MENTIONS, new JsonArray().add("bob"))
        .put(Field.MENTION_ALL, true));
    assertEquals(new JsonArray().add("bob"), body.getJsonArray(Field.MENTIONS));
    assertEquals(true, body.getBoolean(Field.MENTION_ALL));
    assertInvalid(ClientRequest.SEND, sendFrame().put(Field.MENTIONS, "bob"));
    assertInvalid(ClientRequest.SEND, sendFrame().put(Field.MENTIONS, new JsonArray().add(new JsonObject().put("$gt", ""))));
    assertInvalid(ClientRequest.SEND, sendFrame().put(Field.MENTION_ALL, "yes"));
  }

  @Test
  @DisplayName("Fields the client left out are absent from the request")
  void absentFieldsAreLeftOut() {
    JsonObject body = ClientRequest.SEND.body("alice", new JsonObject().put(Field.SID, "s1"));
    assertEquals(new JsonObject().put(Field.UID, "alice").put(Field.SID, "s1"), body);
  }

  @Test
  @DisplayName("A string field holding an object is invalid")
  void objectForStringIsInvalid() {
    assertInvalid(ClientRequest.SEND, sendFrame().put(Field.CONTENT, new JsonObject().put("text", "hi")));
  }

  @Test
  @DisplayName("A string field holding a number is invalid")
  void numberForStringIsInvalid() {
    assertInvalid(ClientRequest.SEND, sendFrame().put(Field.SID, 42));
  }

  @Test
  @DisplayName("An integer field holding a string is invalid")
  void stringForIntegerIsInvalid() {
    assertInvalid(ClientRequest.HISTORY, new JsonObject().put(Field.SID, "s1").put(Field.BEFORE, "9"));
  }

  @Test
  @DisplayName("An integer field holding a fraction is invalid")
  void fractionForIntegerIsInvalid() {
    assertInvalid(ClientRequest.READ, new JsonObject().put(Field.SID, "s1").put(Field.SEQ, 1.5));
  }

  @Test
  @DisplayName("A $-key anywhere in the client's JSON is invalid, so it never reaches the bus")
  void operatorKeyIsInvalid() {
    assertInvalid(ClientRequest.SEND, sendFrame().put("extra", new JsonObject().put("$where", "1")));
  }

  @Test
  @DisplayName("Sync positions are copied sid by sid, each an integer")
  void positionsAreCopied() {
    JsonObject positions = new JsonObject().put("s1", 3).put("s2", 0L);
    JsonObject body = ClientRequest.SYNC.body("alice", new JsonObject().put(Field.POSITIONS, positions));
    assertEquals(new JsonObject().put(Field.UID, "alice").put(Field.POSITIONS, positions), body);
  }

  @Test
  @DisplayName("A sync position that is an object is invalid")
  void nestedPositionIsInvalid() {
    assertInvalid(ClientRequest.SYNC, new JsonObject().put(Field.POSITIONS,
        new JsonObject().put("s1", new JsonObject().put("seq", 1))));
  }

  @Test
  @DisplayName("Sync positions that are not an object are invalid")
  void positionsArrayIsInvalid() {
    assertInvalid(ClientRequest.SYNC, new JsonObject().put(Field.POSITIONS, new JsonArray().add(1)));
  }

  @Test
  @DisplayName("Each request frame names its bus address and the frame that answers it")
  void addressesAndAnswers() {
    assertEquals(Address.MESSAGE_HISTORY, ClientRequest.ofFrame("history").address());
    assertEquals(Frames.HISTORY, ClientRequest.ofFrame("history").answerType());
    assertEquals(Address.MESSAGE_SYNC, ClientRequest.ofFrame("sync").address());
    assertEquals(Address.SESSION_READ, ClientRequest.ofFrame("read").address());
    assertEquals(Frames.OK, ClientRequest.ofFrame("read").answerType());
    assertEquals(Address.USER_PRESENCE, ClientRequest.ofFrame("presence").address());
    assertEquals(Frames.ACK, ClientRequest.ofFrame("send").answerType());
  }

  @Test
  @DisplayName("Frame types that are not bus requests (auth, typing, ping) have no entry")
  void nonRequestFramesHaveNoEntry() {
    assertNull(ClientRequest.ofFrame("auth"));
    assertNull(ClientRequest.ofFrame("typing"));
    assertNull(ClientRequest.ofFrame("ping"));
  }
}
