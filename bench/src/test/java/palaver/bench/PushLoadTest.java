package palaver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The push scenario's request signing")
class PushLoadTest {
  @Test
  @DisplayName("matches the worked example of Pusher's HTTP API reference")
  void pusherExample() {
    PushLoad.App app = new PushLoad.App("3", "278d425bdf160c739803", "7ad3773142a6692b25b8");
    String body = "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}";
    String query = PushLoad.signedQuery(app, "POST", "/apps/3/events", body, 1353088179);
    assertTrue(query.contains("body_md5=ec365a775a4cd0599faeb73354201b6f"), query);
    assertEquals("da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
        query.substring(query.indexOf("auth_signature=") + "auth_signature=".length()));
  }
}
