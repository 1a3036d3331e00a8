package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.api.Address;
import palaver.api.Field;
import palaver.testing.Await;

/** The HTTP API over real HTTP, with the services as fakes. */
class RestApiTest {
  private static GatewayUnderTest gateway;
  private static WebClient http;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest();
    http = WebClient.create(gateway.sut.vertx());
  }

  @AfterAll
  static void stop() {
    http.close();
    gateway.close();
  }

  private static HttpResponse<Buffer> postMessage(String uid, String sid, JsonObject body) {
    return Await.result(http.post(gateway.port(), "127.0.0.1", "/api/v1/sessions/" + sid + "/messages")
        .putHeader("Authorization", "Bearer " + GatewayUnderTest.token(uid)).sendJsonObject(body));
  }

  private static JsonObject message(String cid) {
    return new JsonObject().put(Field.CID, cid).put(Field.MSG_TYPE, "text").put(Field.CONTENT, "hello");
  }

  @Test
  @DisplayName("POST /sessions/{sid}/messages sends message-service the same request as a send frame with the same fields")
  void restSendIsTheSameRequestAsTheFrame() {
    try (TestSocket socket = gateway.socketOf("alice")) {
      socket.send(message("same-ws").put(Field.TYPE, "send").put(Field.SID, GatewayUnderTest.SID));
      socket.next();
    }
    postMessage("alice", GatewayUnderTest.SID, message("same-rest"));
    JsonObject overRest = gateway.sendRequest("same-rest");
    JsonObject overSocket = gateway.sendRequest("same-ws");
    assertEquals(overSocket.put(Field.CID, "same-rest"), overRest);
  }

  @Test
  @DisplayName("POST /sessions/{sid}/messages takes the session from the path and drops fields that are not a message's")
  void restSendWhitelistsFields() {
    postMessage("alice", GatewayUnderTest.SID, message("rest-1").put(Field.SID, "other").put(Field.UID, "mallory")
        .put("extra", true));
    assertEquals(new JsonObject().put(Field.UID, "alice").put(Field.SID, GatewayUnderTest.SID).put(Field.CID, "rest-1")
        .put(Field.MSG_TYPE, "text").put(Field.CONTENT, "hello").put(Field.WAIT_MS, Retrying.ATTEMPT_TIMEOUT_MS),
        gateway.sendRequest("rest-1"));
  }

  @Test
  @DisplayName("POST /sessions/{sid}/messages answers 200 with message-service's ack")
  void restSendAnswersTheAck() {
    HttpResponse<Buffer> response = postMessage("alice", GatewayUnderTest.SID, message("rest-2"));
    assertEquals(200, response.statusCode());
    assertEquals(new JsonObject().put(Field.SID, GatewayUnderTest.SID).put(Field.CID, "rest-2").put(Field.ID, "m-rest-2")
        .put(Field.SEQ, 4L).put(Field.AT, 1_000L), response.bodyAsJsonObject());
  }

  @Test
  @DisplayName("A forbidden failure from message-service becomes HTTP 403 with the error code forbidden")
  void serviceFailureBecomesHttpStatus() {
    HttpResponse<Buffer> response = postMessage("alice", GatewayUnderTest.CLOSED_SID, message("rest-3"));
    assertEquals(403, response.statusCode());
    assertEquals("forbidden", response.bodyAsJsonObject().getJsonObject("error").getString(Field.CODE));
  }

  @Test
  @DisplayName("A message body with a $-key is answered 400 invalid and never reaches message-service")
  void operatorKeyIsRefused() {
    HttpResponse<Buffer> response = postMessage("alice", GatewayUnderTest.SID,
        message("rest-4").put(Field.CONTENT, new JsonObject().put("$gt", "")));
    assertEquals(400, response.statusCode());
    assertEquals("invalid", response.bodyAsJsonObject().getJsonObject("error").getString(Field.CODE));
    assertEquals(0, gateway.messages.requests(Address.MESSAGE_SEND).stream()
        .filter(r -> "rest-4".equals(r.getValue(Field.CID))).count());
  }

  @Test
  @DisplayName("A request with a token user-service rejects is answered 401 with a Bearer challenge")
  void badTokenIs401() {
    HttpResponse<Buffer> response = Await.result(http.get(gateway.port(), "127.0.0.1", "/api/v1/sessions")
        .putHeader("Authorization", "Bearer nonsense").send());
    assertEquals(401, response.statusCode());
    assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
  }

  @Test
  @DisplayName("GET /sessions/{sid}/messages asks message-service for that session's history with the query's bounds")
  void restHistoryRequest() {
    HttpResponse<Buffer> response = Await.result(http.get(gateway.port(), "127.0.0.1",
        "/api/v1/sessions/" + GatewayUnderTest.SID + "/messages?before=9&limit=5&other=1")
        .putHeader("Authorization", "Bearer " + GatewayUnderTest.token("frank")).send());
    assertEquals(200, response.statusCode());
    assertEquals(new JsonObject().put(Field.UID, "frank").put(Field.SID, GatewayUnderTest.SID).put(Field.BEFORE, 9L)
        .put(Field.LIMIT, 5L), gateway.messages.requests(Address.MESSAGE_HISTORY).stream()
        .filter(r -> "frank".equals(r.getString(Field.UID))).findFirst().orElseThrow());
  }
}
