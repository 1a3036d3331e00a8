package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import palaver.runtime.Setting;

/**
 * Fuzzes the multipart upload path end to end: each input is the body of a
 * {@code POST /api/v1/files}, written byte for byte over a plain socket to the
 * real gateway (its multipart decoding, form checks and relay to
 * message-service's upload stream, here a fake that takes any chunk). Every
 * body must be answered: 201 with a file id, or a 4xx with an error code; never
 * a 5xx, silence, or a handler throwing on an event loop. The content sniffer
 * and thumbnailer behind the stream are fuzzed by message-service's
 * {@code MediaFuzzTest}.
 */
class UploadFuzzTest {
  private static final List<Throwable> thrown = new CopyOnWriteArrayList<>();
  /** A fresh user per input: the per-user upload rate would otherwise answer 429 after a few inputs. */
  private static final AtomicLong uploader = new AtomicLong();
  private static GatewayUnderTest gateway;

  private static synchronized GatewayUnderTest gateway() {
    if (gateway == null) {
      gateway = new GatewayUnderTest(new JsonObject().put(Setting.MAX_CONNECTIONS_PER_IP.key(), 0));
      gateway.sut.vertx().exceptionHandler(thrown::add);
    }
    return gateway;
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(60) // above the 30 s budget (JUnit times the whole fuzzing run); Jazzer reports an input slower than this as a hang
  @DisplayName("Any multipart body is answered 201 or with a 4xx error code, never a 5xx or silence")
  void everyUploadIsAnswered(byte[] body) throws Exception {
    String uid = "fuzz-" + uploader.incrementAndGet();
    String answer;
    // The socket to the gateway on 127.0.0.1 is the point of this test, not a server-side request forgery.
    try (SilentCloseable loopback = BugDetectors.allowNetworkConnections((host, port) -> "127.0.0.1".equals(host) || "localhost".equals(host))) {
      answer = RawMultipart.post(gateway().port(), GatewayUnderTest.token(uid), body);
    }
    assertTrue(answer.startsWith("HTTP/1.1 "), "no answer to a body of " + body.length + " bytes: [" + answer + "]");
    int status = Integer.parseInt(answer.substring(9, 12));
    if (status == 201) {
      assertTrue(answer.contains("\"id\""), "201 without a file id: " + answer);
    } else {
      assertTrue(status >= 400 && status < 500, "expected 201 or a 4xx, got: " + answer);
      assertTrue(answer.contains("\"code\""), "an error without a code: " + answer);
    }
    assertTrue(thrown.isEmpty(), "a handler threw: " + thrown);
  }
}
