package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-user upload rate limit (issue 20 item 10). */
@DisplayName("POST /files: per-user rate limit")
class UploadRateLimitTest {
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = new GatewayUnderTest();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("Past the burst, an upload is refused 429 rate_limited with Retry-After, before its body is read")
  void burstThenRefused() throws Exception {
    for (int i = 0; i < FileApi.UPLOADS_BURST; i++) {
      String answer = upload("rapid");
      assertTrue(answer.startsWith("HTTP/1.1 201"), "upload " + i + " expected 201, got: " + answer);
    }
    String refused = upload("rapid");
    assertTrue(refused.startsWith("HTTP/1.1 429"), "expected 429, got: " + refused);
    assertTrue(refused.contains("\"rate_limited\""), "expected rate_limited, got: " + refused);
    assertTrue(refused.toLowerCase().contains("retry-after: "), "expected Retry-After, got: " + refused);
  }

  @Test
  @DisplayName("One user's limit leaves another user's uploads alone")
  void otherUserUnaffected() throws Exception {
    for (int i = 0; i <= FileApi.UPLOADS_BURST; i++) {
      upload("greedy");
    }
    String answer = upload("patient");
    assertTrue(answer.startsWith("HTTP/1.1 201"), "expected 201, got: " + answer);
  }

  private static String upload(String uid) throws Exception {
    return RawMultipart.post(gateway.port(), GatewayUnderTest.token(uid), RawMultipart.oneFile("a.txt", "hello"));
  }
}
