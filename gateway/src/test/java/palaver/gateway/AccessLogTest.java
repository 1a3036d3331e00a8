package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import palaver.testing.Await;

/** The access log and the security log, read back from logback. */
class AccessLogTest {
  private final GatewayUnderTest gateway = new GatewayUnderTest();
  private final WebClient http = WebClient.create(gateway.sut.vertx());
  private final ListAppender<ILoggingEvent> access = new ListAppender<>();
  private final ListAppender<ILoggingEvent> security = new ListAppender<>();

  @BeforeEach
  void capture() {
    attach("palaver.access", access);
    attach("palaver.security", security);
  }

  private static void attach(String name, ListAppender<ILoggingEvent> appender) {
    appender.start();
    ((Logger) LoggerFactory.getLogger(name)).addAppender(appender);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("palaver.access")).detachAppender(access);
    ((Logger) LoggerFactory.getLogger("palaver.security")).detachAppender(security);
    http.close();
    gateway.close();
  }

  private static String lines(List<ILoggingEvent> events) {
    return String.join("\n", events.stream().map(ILoggingEvent::getFormattedMessage).toList());
  }

  @Test
  @DisplayName("Each request is one access-log line with method, path, status and user, never the query string")
  void accessLine() {
    int status = Await.result(http.get(gateway.port(), "127.0.0.1", "/api/v1/users/me?token=sekrit-in-query")
        .putHeader("Authorization", "Bearer " + GatewayUnderTest.token("alice")).send()).statusCode();
    assertEquals(200, status);
    Await.until("the access line", 5_000, () -> !access.list.isEmpty());
    String log = lines(access.list);
    assertTrue(log.contains("GET /api/v1/users/me 200") && log.contains("uid=alice"), log);
    assertFalse(log.contains("sekrit"), "the query string is never logged");
  }

  @Test
  @DisplayName("A failed login is a security event naming the client address and the login, not the password")
  void loginFailureLogged() {
    int status = Await.result(http.post(gateway.port(), "127.0.0.1", "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("login", "mallory").put("password", "hunter2-guess"))).statusCode();
    assertEquals(401, status);
    Await.until("the security line", 5_000, () -> !security.list.isEmpty());
    String log = lines(security.list);
    assertTrue(log.contains("login_failed") && log.contains("ip=127.0.0.1") && log.contains("login=mallory"), log);
    assertFalse(log.contains("hunter2"), "passwords are never logged");
  }

  @Test
  @DisplayName("A socket closed for a policy reason is a security event with its close code")
  void policyCloseLogged() {
    TestSocket socket = TestSocket.open(gateway.sut.vertx(), gateway.port());
    socket.auth("not-a-valid-token");
    Await.until("the security line", 5_000, () -> lines(security.list).contains("socket_closed"));
    assertTrue(lines(security.list).contains("code=4401"), lines(security.list));
    socket.close();
  }
}
